package io.cdcconsole.alert;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * A pipeline's alerts held back until {@code until}: they still fire, but nothing is sent. Created
 * and deleted only, so its {@code version} (the ETag its delete needs) stays 1.
 */
public record AlertSilence(
    long id,
    String pipeline,
    Instant until,
    String reason,
    int version,
    String createdBy,
    Instant createdAt) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("pipeline", pipeline)
        .put("until", until)
        .put("reason", reason)
        .put("version", version)
        .put("createdBy", createdBy)
        .put("createdAt", createdAt);
  }
}
