package io.cdcconsole.auth;

import io.cdcconsole.access.Role;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** A console user as the API shows it (the password hash stays in the store). */
public record User(
    long id,
    String username,
    Role role,
    boolean disabled,
    int sessionVersion,
    Instant createdAt,
    Instant updatedAt) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("username", username)
        .put("role", role.json())
        .put("disabled", disabled)
        .put("createdAt", createdAt)
        .put("updatedAt", updatedAt);
  }
}
