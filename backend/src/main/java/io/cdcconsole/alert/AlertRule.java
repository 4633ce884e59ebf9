package io.cdcconsole.alert;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * When to alert: a condition on one pipeline (or on those whose labels match the selector), and
 * whom to tell.
 */
public record AlertRule(
    long id,
    String name,
    Long pipelineId,
    String pipeline,
    Map<String, String> selector,
    String kind,
    List<String> values,
    Long thresholdMs,
    int periods,
    Integer restarts,
    Long windowMs,
    String severity,
    long forMs,
    long repeatMs,
    boolean sendResolved,
    List<String> channels,
    Instant silencedUntil,
    boolean enabled,
    int version,
    String createdBy,
    Instant createdAt) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("name", name)
        .put("pipeline", pipeline)
        .put("selector", new JsonObject(Map.copyOf(selector)))
        .put("kind", kind)
        .put("values", new JsonArray(List.copyOf(values)))
        .put("thresholdMs", thresholdMs)
        .put("periods", periods)
        .put("restarts", restarts)
        .put("windowMs", windowMs)
        .put("severity", severity)
        .put("forMs", forMs)
        .put("repeatMs", repeatMs)
        .put("sendResolved", sendResolved)
        .put("channels", new JsonArray(List.copyOf(channels)))
        .put("silencedUntil", silencedUntil)
        .put("enabled", enabled)
        .put("version", version)
        .put("createdBy", createdBy)
        .put("createdAt", createdAt);
  }
}
