package io.cdcconsole.error;

import io.vertx.core.json.JsonObject;

/** The caller must wait; {@code retryAfterSeconds} becomes the {@code Retry-After} header. */
public final class TooManyRequests extends ApiError {
  private final long retryAfterSeconds;

  public TooManyRequests(String detail, long retryAfterSeconds) {
    super(429, "Too Many Requests", detail);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  @Override
  public JsonObject extensions() {
    return new JsonObject().put("retryAfterSeconds", retryAfterSeconds);
  }
}
