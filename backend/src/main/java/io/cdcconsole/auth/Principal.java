package io.cdcconsole.auth;

/**
 * Who is calling, as established for this request. {@code role} is already the effective one: for an API token the
 * lower of the token's and its owner's current role. {@code tokenId} is null for a signed-in session (JWT).
 */
public record Principal(long userId, String username, Role role, Long tokenId) {

  public boolean viaToken() {
    return tokenId != null;
  }
}
