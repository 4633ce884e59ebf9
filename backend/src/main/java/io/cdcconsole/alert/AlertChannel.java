package io.cdcconsole.alert;

import io.cdcconsole.config.Secret;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * A channel as stored: {@code config} holds its secret settings encrypted ({@code ENC(...)});
 * {@code version} is its ETag.
 */
public record AlertChannel(
    long id,
    String name,
    ChannelType type,
    JsonObject config,
    String description,
    int version,
    Instant createdAt,
    Instant updatedAt) {

  /** For admins: every setting, the secret ones masked (sending the mask back keeps them). */
  public JsonObject toJson() {
    JsonObject shown = config.copy();
    type.secrets.forEach(
        key -> {
          if (shown.containsKey(key)) {
            shown.put(key, Secret.MASK);
          }
        });
    return brief()
        .put("config", shown)
        .put("description", description)
        .put("version", version)
        .put("createdAt", createdAt)
        .put("updatedAt", updatedAt);
  }

  /** For viewers: which channels there are, nothing about where they point. */
  public JsonObject brief() {
    return new JsonObject().put("id", id).put("name", name).put("type", type.json);
  }
}
