package io.cdcconsole.auth;

import io.cdcconsole.access.Principal;
import io.cdcconsole.access.Role;
import io.cdcconsole.access.TokenScope;
import io.cdcconsole.error.Forbidden;
import io.cdcconsole.error.NotFound;
import io.cdcconsole.error.Unauthorized;
import io.cdcconsole.error.ValidationFailed;
import io.cdcconsole.store.Page;
import io.cdcconsole.store.PageRequest;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * API tokens for automation. A token is 32 random bytes behind the prefix {@code cdc_}; only its
 * SHA-256 is stored (a fast hash is enough for a secret with that much entropy, and keeps every API
 * call cheap).
 */
public final class TokenService {
  public static final String PREFIX = "cdc_";
  private static final int MAX_NAME = 100;

  /** What the creator sees once: the token record and its secret. */
  public record Created(ApiToken token, String secret) {}

  /** What a caller asks for; {@code role} defaults to the caller's own. */
  public record NewToken(
      String name, Optional<Role> role, Optional<Instant> expiresAt, Optional<TokenScope> scope) {}

  /** How often a token's last use is written at most: last-used is shown to the minute. */
  private static final long TOUCH_EVERY_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(1);

  private final TokenStore store;
  private final PrincipalCache cache;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  /** When this process last wrote each token's last use (System.nanoTime). */
  private final Map<Long, Long> touched = new ConcurrentHashMap<>();

  public TokenService(TokenStore store, PrincipalCache cache, Clock clock) {
    this.store = store;
    this.cache = cache;
    this.clock = clock;
  }

  public static boolean looksLikeToken(String credential) {
    return credential.startsWith(PREFIX);
  }

  public Future<Created> create(Principal caller, NewToken request) {
    String name = request.name() == null ? "" : request.name().trim();
    if (name.isEmpty() || name.length() > MAX_NAME) {
      return Future.failedFuture(
          ValidationFailed.of("name", "must be 1 to " + MAX_NAME + " characters"));
    }
    Role role = request.role().orElse(caller.role());
    if (!caller.role().atLeast(role)) {
      return Future.failedFuture(
          ValidationFailed.of(
              "role",
              "a token cannot have more rights than its creator (" + caller.role().json() + ")"));
    }
    if (request.scope().isPresent() && role == Role.ADMIN) {
      return Future.failedFuture(
          ValidationFailed.of("role", "a token scoped to pipelines acts as operator at most"));
    }
    if (request.scope().filter(s -> s.pipelines().isEmpty() && s.labels().isEmpty()).isPresent()) {
      return Future.failedFuture(
          ValidationFailed.of("scope", "name pipelines or labels, or leave the scope out"));
    }
    Instant expiresAt = request.expiresAt().orElse(null);
    if (expiresAt != null && !expiresAt.isAfter(clock.instant())) {
      return Future.failedFuture(ValidationFailed.of("expiresAt", "must be in the future"));
    }
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    return store
        .insert(caller.userId(), name, hash(secret), role, expiresAt, request.scope().orElse(null))
        .map(token -> new Created(token, secret));
  }

  /**
   * The caller's own tokens; an admin may ask for one user's ({@code userId}) or everyone's ({@code
   * all}).
   */
  public Future<Page<ApiToken>> list(
      Principal caller, Optional<Long> userId, boolean all, PageRequest page) {
    if ((all || userId.filter(id -> id != caller.userId()).isPresent())
        && !caller.role().atLeast(Role.ADMIN)) {
      return Future.failedFuture(new Forbidden("Only admins may list other users' tokens."));
    }
    return store.list(all ? null : userId.orElse(caller.userId()), page);
  }

  /**
   * Revokes a token of the caller's own (or any, for an admin); someone else's token reads as not
   * found.
   */
  public Future<ApiToken> revoke(Principal caller, long id) {
    return store
        .findById(id)
        .compose(
            found -> {
              Optional<ApiToken> token =
                  found.filter(
                      t -> t.userId() == caller.userId() || caller.role().atLeast(Role.ADMIN));
              if (token.isEmpty()) {
                return Future.failedFuture(new NotFound("No API token " + id + "."));
              }
              return store
                  .revoke(id)
                  .onSuccess(
                      revoked -> {
                        cache.tokenChanged(token.get().userId(), id);
                        touched.remove(id);
                      })
                  .compose(ignored -> store.findById(id))
                  .map(Optional::orElseThrow);
            });
  }

  /**
   * The principal behind a token secret, or 401 when it is unknown, revoked, expired, or its owner
   * is disabled.
   */
  public Future<Principal> authenticate(String secret) {
    String hash = hash(secret);
    return cache
        .token(hash, () -> store.findByHash(hash))
        .compose(
            found -> {
              if (found.isEmpty()) {
                return Future.failedFuture(new Unauthorized("The API token is not valid."));
              }
              ApiToken token = found.get().token();
              User owner = found.get().owner();
              return switch (token.status(clock.instant())) {
                case "revoked" ->
                    Future.failedFuture(new Unauthorized("The API token was revoked."));
                case "expired" ->
                    Future.failedFuture(new Unauthorized("The API token has expired."));
                default -> {
                  if (owner.disabled()) {
                    yield Future.failedFuture(
                        new Unauthorized("The account of this API token is disabled."));
                  }
                  Principal principal =
                      new Principal(
                          owner.id(),
                          owner.username(),
                          Role.lower(token.role(), owner.role()),
                          token.id(),
                          token.scope());
                  yield touch(token.id()).map(principal);
                }
              };
            });
  }

  /**
   * Records a use, but writes at most once a minute per token, not on every request; the request
   * that writes waits for it (so that a token just used is listed as used), and a failed write does
   * not fail the request.
   */
  private Future<Void> touch(long tokenId) {
    long now = System.nanoTime();
    Long last = touched.get(tokenId);
    if (last != null && now - last < TOUCH_EVERY_NANOS) {
      return Future.succeededFuture();
    }
    // one writer per minute even when requests race on several event loops
    boolean mine =
        last == null
            ? touched.putIfAbsent(tokenId, now) == null
            : touched.replace(tokenId, last, now);
    return mine ? store.touch(tokenId).otherwiseEmpty() : Future.succeededFuture();
  }

  static String hash(String secret) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }
}
