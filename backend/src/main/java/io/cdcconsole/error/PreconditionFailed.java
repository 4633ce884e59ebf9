package io.cdcconsole.error;

import io.vertx.core.json.JsonObject;

/** A stale {@code If-Match}: names the version the caller should have sent. */
public final class PreconditionFailed extends ApiError {
  private final Object currentVersion;

  public PreconditionFailed(String detail, Object currentVersion) {
    super(412, "Precondition Failed", detail);
    this.currentVersion = currentVersion;
  }

  @Override
  public JsonObject extensions() {
    return new JsonObject().put("currentVersion", currentVersion);
  }
}
