package io.cdcconsole.error;

import io.vertx.core.json.JsonObject;

/**
 * A failure that has a meaning for the caller. Services throw (or fail futures with) these; the one
 * failure handler in {@code web} turns them into {@code application/problem+json}. Nothing else in
 * the code knows about HTTP status codes.
 */
public abstract sealed class ApiError extends RuntimeException
    permits BadRequest,
        Unauthorized,
        Forbidden,
        NotFound,
        Conflict,
        PreconditionFailed,
        PayloadTooLarge,
        ValidationFailed,
        TooManyRequests,
        Unavailable,
        PreconditionRequired {

  private final int status;
  private final String title;

  protected ApiError(int status, String title, String detail) {
    // no stack trace: these are expected outcomes, and they are never logged as errors
    super(detail, null, false, false);
    this.status = status;
    this.title = title;
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }

  public String detail() {
    return getMessage();
  }

  /** Extra members of the problem document (e.g. {@code errors}); empty by default. */
  public JsonObject extensions() {
    return new JsonObject();
  }
}
