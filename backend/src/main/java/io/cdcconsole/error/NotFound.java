package io.cdcconsole.error;

public final class NotFound extends ApiError {
  public NotFound(String detail) {
    super(404, "Not Found", detail);
  }
}
