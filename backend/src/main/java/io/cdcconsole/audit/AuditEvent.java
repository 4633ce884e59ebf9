package io.cdcconsole.audit;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One audited call: who, when, what, on which resource, how it ended, from where. Never a secret
 * value.
 */
public record AuditEvent(
    Long id,
    Instant at,
    Long actorId,
    String actorName,
    String action,
    String resourceType,
    String resourceId,
    String outcome,
    int status,
    String clientAddress,
    JsonObject detail) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("at", at)
        .put("actorId", actorId)
        .put("actor", actorName)
        .put("action", action)
        .put("resourceType", resourceType)
        .put("resourceId", resourceId)
        .put("outcome", outcome)
        .put("status", status)
        .put("clientAddress", clientAddress)
        .put("detail", detail);
  }
}
