package io.cdcconsole.run;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One stored change of a run's state ({@code run_transition}), with what a listener needs to place
 * it: the live {@code run.state} event, the replay after a reconnect and the transition feed all
 * show this. {@code stale} is the run's flag as it is now; {@code detail} is scrubbed text.
 */
public record RunTransition(
    long id,
    long runId,
    long pipelineId,
    String pipeline,
    String jobId,
    String from,
    String to,
    Instant at,
    String source,
    String detail,
    boolean stale) {

  /** The {@code run.state} event (SSE {@code id:} is {@link #id}). */
  public JsonObject toEvent() {
    return new JsonObject()
        .put("id", id)
        .put("runId", runId)
        .put("pipelineId", pipelineId)
        .put("pipeline", pipeline)
        .put("jobId", jobId)
        .put("from", from)
        .put("to", to)
        .put("at", at)
        .put("source", source)
        .put("stale", stale);
  }

  /** An entry of a run's history in its details ({@code GET /runs/{runId}}). */
  public JsonObject toHistoryJson() {
    return new JsonObject()
        .put("from", from)
        .put("to", to)
        .put("at", at)
        .put("source", source)
        .put("detail", detail);
  }

  /** An item of {@code GET /transitions}. */
  public JsonObject toJson() {
    return toEvent().put("detail", detail);
  }
}
