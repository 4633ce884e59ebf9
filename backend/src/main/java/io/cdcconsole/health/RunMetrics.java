package io.cdcconsole.health;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * A run's measured history since a time, with its current verdict ({@code health} null when the run
 * is not RUNNING or not measured yet).
 */
public record RunMetrics(
    long runId, Instant since, HealthStore.Current health, List<HealthSample> items) {

  JsonObject toJson() {
    return new JsonObject()
        .put("runId", runId)
        .put("since", since)
        .put("health", health == null ? null : health.toJson())
        .put("items", new JsonArray(items.stream().map(HealthSample::toJson).toList()));
  }
}
