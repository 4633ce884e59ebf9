package io.cdcconsole.error;

public final class Unauthorized extends ApiError {
  public Unauthorized(String detail) {
    super(401, "Unauthorized", detail);
  }
}
