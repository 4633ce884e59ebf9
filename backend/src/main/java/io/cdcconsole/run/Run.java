package io.cdcconsole.run;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * A run of a pipeline on a cluster, tracked by the JobID the console gave it; with its latest
 * savepoint or stop ({@code operation}, null for none) and, while SUBMITTING, who submits it.
 */
public record Run(
    long id,
    long pipelineId,
    String pipelineName,
    int pipelineVersion,
    long clusterId,
    String jobId,
    RunState state,
    String flinkState,
    boolean stale,
    String fromSavepoint,
    boolean allowNonRestoredState,
    JsonObject flinkConfig,
    String idempotencyKey,
    String createdBy,
    Instant createdAt,
    Instant startedAt,
    Instant endedAt,
    Instant lastSeenAt,
    Instant missingSince,
    String lastError,
    int restarts,
    Checkpoint lastCheckpoint,
    RunOperation operation,
    String dsTaskInstanceId,
    String dsWorkflowInstanceId,
    Claim submission) {

  /** The run as a look at its cluster left it (the watcher's copy between polls). */
  Run looked(String flinkState, boolean stale, Instant missingSince) {
    return new Run(
        id,
        pipelineId,
        pipelineName,
        pipelineVersion,
        clusterId,
        jobId,
        state,
        flinkState,
        stale,
        fromSavepoint,
        allowNonRestoredState,
        flinkConfig,
        idempotencyKey,
        createdBy,
        createdAt,
        startedAt,
        endedAt,
        lastSeenAt,
        missingSince,
        lastError,
        restarts,
        lastCheckpoint,
        operation,
        dsTaskInstanceId,
        dsWorkflowInstanceId,
        submission);
  }

  /** The run with its latest completed checkpoint (the watcher's copy between polls). */
  Run withCheckpoint(Checkpoint checkpoint) {
    return new Run(
        id,
        pipelineId,
        pipelineName,
        pipelineVersion,
        clusterId,
        jobId,
        state,
        flinkState,
        stale,
        fromSavepoint,
        allowNonRestoredState,
        flinkConfig,
        idempotencyKey,
        createdBy,
        createdAt,
        startedAt,
        endedAt,
        lastSeenAt,
        missingSince,
        lastError,
        restarts,
        checkpoint,
        operation,
        dsTaskInstanceId,
        dsWorkflowInstanceId,
        submission);
  }

  /**
   * The latest completed checkpoint Flink reported for the run's job; {@code path} is Flink's
   * external path (not always addressable).
   */
  public record Checkpoint(Long id, Instant at, String path) {
    public JsonObject toJson() {
      return new JsonObject().put("id", id).put("at", at).put("path", path);
    }
  }

  /** Where the run's latest savepoint or stop wrote its savepoint; null when none did. */
  public String savepointLocation() {
    return operation == null ? null : operation.location();
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("pipelineId", pipelineId)
        .put("pipeline", pipelineName)
        .put("pipelineVersion", pipelineVersion)
        .put("clusterId", clusterId)
        .put("jobId", jobId)
        .put("state", state.name())
        .put("flinkState", flinkState)
        .put("stale", stale)
        .put("fromSavepoint", fromSavepoint)
        .put("allowNonRestoredState", allowNonRestoredState)
        .put("flinkConfiguration", flinkConfig)
        .put("createdBy", createdBy)
        .put("createdAt", createdAt)
        .put("startedAt", startedAt)
        .put("endedAt", endedAt)
        .put("lastSeenAt", lastSeenAt)
        .put("lastError", lastError)
        .put("restarts", restarts)
        .put("lastCheckpoint", lastCheckpoint == null ? null : lastCheckpoint.toJson())
        .put("operation", operation == null ? null : operation.toJson())
        .put("dsTaskInstanceId", dsTaskInstanceId)
        .put("dsWorkflowInstanceId", dsWorkflowInstanceId);
  }
}
