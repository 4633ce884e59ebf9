package io.cdcconsole.error;

public final class PayloadTooLarge extends ApiError {
  public PayloadTooLarge(String detail) {
    super(413, "Payload Too Large", detail);
  }
}
