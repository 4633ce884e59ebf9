package io.cdcconsole.secret;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/** A named credential as listed: never its value, which is write-only. */
public record NamedSecret(
    String name,
    String description,
    int version,
    Instant createdAt,
    Instant updatedAt,
    String updatedBy,
    List<String> usedBy) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("name", name)
        .put("description", description)
        .put("reference", "${secret:" + name + "}")
        .put("version", version)
        .put("createdAt", createdAt)
        .put("updatedAt", updatedAt)
        .put("updatedBy", updatedBy)
        .put("usedBy", new JsonArray(List.copyOf(usedBy)));
  }
}
