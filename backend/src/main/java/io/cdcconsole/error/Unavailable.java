package io.cdcconsole.error;

public final class Unavailable extends ApiError {
  public Unavailable(String detail) {
    super(503, "Service Unavailable", detail);
  }
}
