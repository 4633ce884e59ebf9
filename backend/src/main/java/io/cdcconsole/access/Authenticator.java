package io.cdcconsole.access;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Who a request comes from, by its {@code Authorization} header (a session JWT or an API token) or
 * DolphinScheduler's {@code token} header. The HTTP layer needs only this, not the auth package
 * that implements it.
 */
public interface Authenticator {
  Future<Principal> authenticate(String authorizationHeader, String tokenHeader);

  /**
   * The event-bus address on which changes to callers' rights are published (revoke, disable, role,
   * sign-out).
   */
  String changesAddress();

  /** Forgets what a published change affects, before a listener checks its callers again. */
  void forget(JsonObject change);
}
