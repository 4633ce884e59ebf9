package io.cdcconsole.error;

import io.vertx.core.json.JsonObject;

public final class Conflict extends ApiError {
  private final JsonObject extensions;

  public Conflict(String detail) {
    this(detail, new JsonObject());
  }

  /**
   * With members the caller can act on, e.g. the pipelines that keep a cluster from being deleted.
   */
  public Conflict(String detail, JsonObject extensions) {
    super(409, "Conflict", detail);
    this.extensions = extensions.copy();
  }

  @Override
  public JsonObject extensions() {
    return extensions.copy();
  }
}
