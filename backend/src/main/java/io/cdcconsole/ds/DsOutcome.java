package io.cdcconsole.ds;

import io.cdcconsole.run.Run;
import io.vertx.core.json.JsonObject;

/**
 * What a DolphinScheduler call found. A success is answered 200 with {@code "result":"SUCCESS"} —
 * the marker a DS task's BODY_CONTAINS check looks for; anything else is non-200 with {@code
 * "result":"FAILURE"} and a reason.
 */
record DsOutcome(
    boolean success,
    int failureStatus,
    String message,
    String pipeline,
    Run run,
    JsonObject details) {

  static DsOutcome success(String message, String pipeline, Run run) {
    return new DsOutcome(true, 200, message, pipeline, run, new JsonObject());
  }

  static DsOutcome failure(int status, String reason, String pipeline, Run run) {
    return new DsOutcome(false, status, reason, pipeline, run, new JsonObject());
  }

  /** The same outcome with more fields in its answer (e.g. the lag the freshness gate saw). */
  DsOutcome with(JsonObject more) {
    return new DsOutcome(
        success, failureStatus, message, pipeline, run, details.copy().mergeIn(more));
  }

  String state() {
    return run == null ? "NONE" : run.state().name();
  }

  /** The fields both kinds of answer carry; never a secret. */
  JsonObject fields() {
    JsonObject json =
        new JsonObject()
            .put("result", success ? "SUCCESS" : "FAILURE")
            .put("pipeline", pipeline)
            .put("state", state())
            .put("runId", run == null ? null : run.id())
            .put("jobId", run == null ? null : run.jobId());
    if (run != null && run.savepointLocation() != null) {
      json.put("savepoint", run.savepointLocation());
    }
    return json.mergeIn(details);
  }
}
