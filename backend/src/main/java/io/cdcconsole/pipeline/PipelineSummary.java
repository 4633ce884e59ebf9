package io.cdcconsole.pipeline;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;

/**
 * A pipeline as lists show it: no YAML, with its current (newest) run, read together in one query.
 * {@link PipelineListJson} writes it: the fields of {@link Pipeline#head} and {@code currentRun}.
 */
public record PipelineSummary(
    long id,
    String name,
    String description,
    long clusterId,
    Map<String, String> labels,
    String owner,
    int version,
    Instant createdAt,
    Instant updatedAt,
    CurrentRun currentRun) {

  /** The newest run of a pipeline, as lists and details name it. */
  public record CurrentRun(
      long id,
      String state,
      boolean stale,
      boolean active,
      String jobId,
      Instant startedAt,
      Health health) {
    public JsonObject toJson() {
      return new JsonObject()
          .put("id", id)
          .put("state", state)
          .put("stale", stale)
          .put("jobId", jobId)
          .put("startedAt", startedAt)
          .put("active", active)
          .put("health", health == null ? null : health.toJson());
    }
  }

  /** The health verdict of a RUNNING run's job (null otherwise), with its lag when known. */
  public record Health(String status, String reason, Instant at, Long lagMs) {
    public JsonObject toJson() {
      return new JsonObject()
          .put("status", status)
          .put("reason", reason)
          .put("at", at)
          .put("lagMs", lagMs);
    }
  }
}
