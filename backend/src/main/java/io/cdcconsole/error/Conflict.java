package io.cdcconsole.error;

public final class Conflict extends ApiError {
  public Conflict(String detail) {
    super(409, "Conflict", detail);
  }
}
