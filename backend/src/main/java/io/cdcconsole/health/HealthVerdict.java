package io.cdcconsole.health;

import io.vertx.core.json.JsonObject;

/** A run's health status with the reason, in words an operator can act on. */
public record HealthVerdict(HealthStatus status, String reason) {

  public JsonObject toJson() {
    return new JsonObject().put("status", status.name()).put("reason", reason);
  }
}
