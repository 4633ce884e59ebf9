package io.cdcconsole.auth;

import io.cdcconsole.access.Authenticator;
import io.cdcconsole.access.Principal;
import io.cdcconsole.error.TooManyRequests;
import io.cdcconsole.error.Unauthorized;
import io.vertx.core.Future;
import java.util.Optional;

/** Sign-in, and turning a request's {@code Authorization} header into a {@link Principal}. */
public final class AuthService implements Authenticator {
  private final UserStore users;
  private final PasswordHasher hasher;
  private final JwtSessions sessions;
  private final TokenService tokens;
  private final LoginThrottle throttle;
  private final PrincipalCache cache;

  public AuthService(
      UserStore users,
      PasswordHasher hasher,
      JwtSessions sessions,
      TokenService tokens,
      LoginThrottle throttle,
      PrincipalCache cache) {
    this.cache = cache;
    this.users = users;
    this.hasher = hasher;
    this.sessions = sessions;
    this.tokens = tokens;
    this.throttle = throttle;
  }

  /**
   * Signs in; the same answer for an unknown user, a wrong password and a disabled account, so none
   * can be told apart. The attempt is reserved with the throttle before anything else, and the
   * reservation always ends: failed (counts), succeeded, or released (undecided: the server was
   * busy or the database failed).
   */
  public Future<JwtSessions.Issued> login(String username, String password, String clientAddress) {
    return throttle
        .tryReserve(username, clientAddress)
        .compose(
            refused -> {
              if (refused.isPresent()) {
                long seconds = Math.max(1, refused.get().remaining().toSeconds());
                return Future.failedFuture(
                    new TooManyRequests(
                        "Too many failed sign-ins for "
                            + refused.get().reason()
                            + "; try again in "
                            + seconds
                            + (seconds == 1 ? " second." : " seconds."),
                        seconds));
              }
              return checked(username, password, clientAddress);
            });
  }

  /** The password check of a reserved attempt; the reservation ends before the answer. */
  private Future<JwtSessions.Issued> checked(
      String username, String password, String clientAddress) {
    return users
        .findByUsername(username)
        .compose(
            found ->
                (found.isPresent()
                        ? hasher.verify(password, found.get().passwordHash())
                        : hasher.verifyNothing(password))
                    .map(
                        ok ->
                            ok && !found.get().user().disabled()
                                ? found.map(UserStore.WithHash::user)
                                : Optional.<User>empty()))
        .transform(
            checked -> {
              if (checked.failed()) {
                return throttle
                    .released(username, clientAddress)
                    .transform(r -> Future.failedFuture(checked.cause()));
              }
              if (checked.result().isEmpty()) {
                return throttle
                    .failed(username, clientAddress)
                    .transform(
                        r ->
                            Future.failedFuture(new Unauthorized("Invalid username or password.")));
              }
              return throttle
                  .succeeded(username, clientAddress)
                  .map(r -> sessions.issue(checked.result().get()));
            });
  }

  /**
   * Forgets what a change published on {@link PrincipalCache#ADDRESS} affects, before a listener
   * rechecks.
   */
  @Override
  public String changesAddress() {
    return PrincipalCache.ADDRESS;
  }

  @Override
  public void forget(io.vertx.core.json.JsonObject change) {
    cache.drop(change);
  }

  /**
   * Accepts {@code Bearer <JWT>} and {@code Bearer <API token>}; also an API token in a {@code
   * token} header, which is how DolphinScheduler sends its own token (its HTTP task headers are
   * static, so a token goes there).
   */
  @Override
  public Future<Principal> authenticate(String authorizationHeader, String tokenHeader) {
    if (authorizationHeader == null
        && tokenHeader != null
        && TokenService.looksLikeToken(tokenHeader.trim())) {
      return tokens.authenticate(tokenHeader.trim());
    }
    if (authorizationHeader == null
        || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Future.failedFuture(
          new Unauthorized("Sign in first: send 'Authorization: Bearer <session or API token>'."));
    }
    String credential = authorizationHeader.substring(7).trim();
    if (TokenService.looksLikeToken(credential)) {
      return tokens.authenticate(credential);
    }
    return sessions
        .verify(credential)
        .compose(
            claims ->
                cache
                    .user(claims.userId(), () -> users.findById(claims.userId()))
                    .compose(
                        found -> {
                          if (found.isEmpty() || found.get().disabled()) {
                            return Future.failedFuture(
                                new Unauthorized("This account is disabled or no longer exists."));
                          }
                          User user = found.get();
                          if (user.sessionVersion() != claims.sessionVersion()) {
                            return Future.failedFuture(
                                new Unauthorized(
                                    "This session ended because the password changed; sign in again."));
                          }
                          return Future.succeededFuture(
                              new Principal(user.id(), user.username(), user.role(), null));
                        }));
  }
}
