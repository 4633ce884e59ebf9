package io.cdcconsole.ds;

import io.cdcconsole.config.Secret;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * A DolphinScheduler the console starts workflows on; its token is stored as {@code ENC(...)} and
 * shown masked. {@code version} is DolphinScheduler's (3.2, 3.3); {@code revision} is this
 * definition's, its ETag.
 */
public record DsConnection(
    long id,
    String name,
    String url,
    String version,
    String encryptedToken,
    String description,
    int revision,
    Instant createdAt,
    Instant updatedAt) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("name", name)
        .put("url", url)
        .put("version", version)
        .put("token", Secret.MASK)
        .put("description", description)
        .put("revision", revision)
        .put("createdAt", createdAt)
        .put("updatedAt", updatedAt);
  }
}
