package io.cdcconsole.alert;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** A rule's condition holding on a pipeline: PENDING (not yet for long enough) or FIRING. */
public record FiringAlert(
    String rule,
    String pipeline,
    String severity,
    String status,
    Long runId,
    Instant since,
    Instant firedAt,
    String summary) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("rule", rule)
        .put("pipeline", pipeline)
        .put("severity", severity)
        .put("status", status)
        .put("runId", runId)
        .put("since", since)
        .put("firedAt", firedAt)
        .put("summary", summary);
  }
}
