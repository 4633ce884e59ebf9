package io.cdcconsole.pipeline;

import io.cdcconsole.validation.Labels;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;

/** One immutable saved state of a pipeline. */
public record PipelineVersion(
    long pipelineId,
    int version,
    String yaml,
    String description,
    long clusterId,
    Map<String, String> labels,
    Long authorId,
    String author,
    String comment,
    Instant createdAt) {

  public JsonObject toJson(String maskedYaml) {
    JsonObject json =
        new JsonObject()
            .put("pipelineId", pipelineId)
            .put("version", version)
            .put("author", author)
            .put("comment", comment)
            .put("createdAt", createdAt)
            .put("clusterId", clusterId)
            .put("description", description)
            .put("labels", Labels.toJson(labels));
    if (maskedYaml != null) {
      json.put("yaml", maskedYaml);
    }
    return json;
  }
}
