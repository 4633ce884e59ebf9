package io.cdcconsole.run;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * A run became stale (its cluster stopped answering) or fresh again: not a transition, so it has no
 * id.
 */
public record RunStale(long runId, long pipelineId, String pipeline, boolean stale, Instant at) {

  public JsonObject toEvent() {
    return new JsonObject()
        .put("runId", runId)
        .put("pipelineId", pipelineId)
        .put("pipeline", pipeline)
        .put("stale", stale)
        .put("at", at);
  }
}
