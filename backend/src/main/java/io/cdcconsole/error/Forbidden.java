package io.cdcconsole.error;

public final class Forbidden extends ApiError {
  public Forbidden(String detail) {
    super(403, "Forbidden", detail);
  }
}
