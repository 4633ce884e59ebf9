package io.cdcconsole.health;

import io.vertx.core.json.JsonObject;

/**
 * The {@code run.health} event: a run's new sample and verdict (on the SSE stream as event type
 * {@code run.health}).
 */
public final class HealthEvents {
  public static final String ADDRESS = "run.health";

  private HealthEvents() {}

  static JsonObject event(HealthStore.Watched run, HealthStore.Current current) {
    return current
        .toJson()
        .put("runId", run.runId())
        .put("pipelineId", run.pipelineId())
        .put("pipeline", run.pipeline());
  }
}
