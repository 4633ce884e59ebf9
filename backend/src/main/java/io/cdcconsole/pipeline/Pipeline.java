package io.cdcconsole.pipeline;

import io.cdcconsole.validation.Labels;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A pipeline definition as stored: its YAML holds secrets as {@code ENC(...)} and leaves the
 * console masked.
 */
public record Pipeline(
    long id,
    String name,
    String description,
    long clusterId,
    Map<String, String> labels,
    Long ownerId,
    String owner,
    String yaml,
    List<String> secretRefs,
    int version,
    Instant createdAt,
    Instant updatedAt) {

  /** The API view; {@code maskedYaml} is null in lists, which leave the YAML out. */
  public JsonObject toJson(String maskedYaml) {
    JsonObject json =
        head(id, name, description, clusterId, labels, owner, version, createdAt, updatedAt);
    if (maskedYaml != null) {
      json.put("yaml", maskedYaml);
    }
    return json;
  }

  /** The fields every view of a pipeline has, lists included. */
  static JsonObject head(
      long id,
      String name,
      String description,
      long clusterId,
      Map<String, String> labels,
      String owner,
      int version,
      Instant createdAt,
      Instant updatedAt) {
    return new JsonObject()
        .put("id", id)
        .put("name", name)
        .put("description", description)
        .put("clusterId", clusterId)
        .put("labels", Labels.toJson(labels))
        .put("owner", owner)
        .put("version", version)
        .put("createdAt", createdAt)
        .put("updatedAt", updatedAt);
  }
}
