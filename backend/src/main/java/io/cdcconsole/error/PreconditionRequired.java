package io.cdcconsole.error;

/** An update sent without {@code If-Match}: the caller must say which version it edited. */
public final class PreconditionRequired extends ApiError {
  public PreconditionRequired(String detail) {
    super(428, "Precondition Required", detail);
  }
}
