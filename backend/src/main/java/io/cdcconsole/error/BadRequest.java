package io.cdcconsole.error;

public final class BadRequest extends ApiError {
  public BadRequest(String detail) {
    super(400, "Bad Request", detail);
  }
}
