package io.cdcconsole.access;

/**
 * Who is calling, as established for this request. {@code role} is already the effective one: for
 * an API token the lower of the token's and its owner's current role. {@code tokenId} is null for a
 * signed-in session (JWT); {@code scope} is set for a token limited to some pipelines.
 */
public record Principal(long userId, String username, Role role, Long tokenId, TokenScope scope) {

  public Principal(long userId, String username, Role role, Long tokenId) {
    this(userId, username, role, tokenId, null);
  }

  public boolean scoped() {
    return scope != null;
  }

  public boolean viaToken() {
    return tokenId != null;
  }
}
