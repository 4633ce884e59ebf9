package io.cdcconsole.auth;

import io.cdcconsole.access.Role;
import io.cdcconsole.access.TokenScope;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * An API token as listed: never its secret, which is shown once at creation and only its hash is
 * kept.
 */
public record ApiToken(
    long id,
    long userId,
    String username,
    String name,
    Role role,
    Instant createdAt,
    Instant expiresAt,
    Instant lastUsedAt,
    Instant revokedAt,
    TokenScope scope) {

  public String status(Instant now) {
    if (revokedAt != null) {
      return "revoked";
    }
    return expiresAt != null && !expiresAt.isAfter(now) ? "expired" : "active";
  }

  public JsonObject toJson(Instant now) {
    return new JsonObject()
        .put("id", id)
        .put("userId", userId)
        .put("username", username)
        .put("name", name)
        .put("role", role.json())
        .put("status", status(now))
        .put("createdAt", createdAt)
        .put("expiresAt", expiresAt)
        .put("lastUsedAt", lastUsedAt)
        .put("revokedAt", revokedAt)
        .put("scope", scope == null ? null : scope.toJson());
  }
}
