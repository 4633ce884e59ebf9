package io.cdcconsole.run;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * A live job on a registered cluster that no run tracks, named after a pipeline of that cluster: it
 * can be adopted.
 *
 * @param state Flink's job state
 */
public record Orphan(
    long clusterId,
    String cluster,
    String jobId,
    String name,
    String state,
    long pipelineId,
    Instant startTime) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("clusterId", clusterId)
        .put("cluster", cluster)
        .put("jobId", jobId)
        .put("name", name)
        .put("state", state)
        .put("pipelineId", pipelineId)
        .put("startTime", startTime);
  }
}
