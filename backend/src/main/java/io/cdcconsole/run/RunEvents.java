package io.cdcconsole.run;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** Publishes every run state change on the event bus at {@link #ADDRESS}: SSE, alerts and DolphinScheduler waiters listen there. */
public final class RunEvents {
  public static final String ADDRESS = "run.state";

  private final Vertx vertx;

  public RunEvents(Vertx vertx) {
    this.vertx = vertx;
  }

  void changed(Run run, RunState from, String source) {
    vertx.eventBus().publish(ADDRESS, new JsonObject()
        .put("runId", run.id())
        .put("pipelineId", run.pipelineId())
        .put("pipeline", run.pipelineName())
        .put("jobId", run.jobId())
        .put("from", from == null ? null : from.name())
        .put("to", run.state().name())
        .put("source", source)
        .put("at", Instant.now()));
  }
}
