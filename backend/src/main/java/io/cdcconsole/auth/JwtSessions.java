package io.cdcconsole.auth;

import io.cdcconsole.config.ConsoleConfig;
import io.cdcconsole.config.KeyFiles;
import io.cdcconsole.config.Secret;
import io.cdcconsole.error.Unauthorized;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signed-in sessions as JWTs (HS256, vertx-auth-jwt). The key comes from {@code auth.jwtSecret} or
 * is generated once into {@code $CDC_CONSOLE_HOME/conf/jwt.key}, so sessions survive restarts. A
 * JWT carries the user id and the user's session version; the user is looked up for every request
 * (through {@link PrincipalCache}, which every change to the user drops), so disabling or a
 * password change ends sessions at once.
 *
 * <p>A token that passed the check is remembered with its claims until it expires: its signature
 * and claims cannot change, and the HMAC and JSON work of the check was 6 % of a list request's CPU
 * (docs/benchmarks.md). Only tokens this console signed get in, so guesses cannot fill the memory.
 */
public final class JwtSessions {
  private static final Logger LOG = LoggerFactory.getLogger(JwtSessions.class);
  private static final String ALGORITHM = "HS256";
  static final String ISSUER = "cdc-console";
  private static final int LEEWAY_SECONDS = 5;

  /**
   * A bound on memory: past it the memory starts over (tokens in use come back on their next use).
   */
  private static final int MAX_VERIFIED = 10_000;

  public record Issued(String token, Instant expiresAt) {
    public JsonObject toJson() {
      return new JsonObject().put("token", token).put("expiresAt", expiresAt);
    }
  }

  public record Claims(long userId, int sessionVersion) {}

  private record Verified(Claims claims, long expiresAt) {}

  private final JWTAuth jwt;
  private final ConsoleConfig.Auth config;
  private final Clock clock;
  private final Map<String, Verified> verified = new ConcurrentHashMap<>();

  private JwtSessions(JWTAuth jwt, ConsoleConfig.Auth config, Clock clock) {
    this.jwt = jwt;
    this.config = config;
    this.clock = clock;
  }

  public static Future<JwtSessions> create(Vertx vertx, ConsoleConfig config, Clock clock) {
    return vertx
        .executeBlocking(
            () -> {
              if (config.auth().jwtSecret().isPresent()) {
                return config.auth().jwtSecret().map(Secret::value).get();
              }
              KeyFiles.Key key = KeyFiles.readOrCreate(config.confDir().resolve("jwt.key"), 64);
              if (key.created()) {
                LOG.info(
                    "Generated the JWT signing key in {}", config.confDir().resolve("jwt.key"));
              }
              return key.value();
            },
            false)
        .map(
            secret ->
                new JwtSessions(
                    JWTAuth.create(
                        vertx,
                        new JWTAuthOptions()
                            .addPubSecKey(
                                new PubSecKeyOptions().setAlgorithm(ALGORITHM).setBuffer(secret))
                            .setJWTOptions(
                                new JWTOptions().setIssuer(ISSUER).setLeeway(LEEWAY_SECONDS))),
                    config.auth(),
                    clock));
  }

  public Issued issue(User user) {
    long lifetime = config.tokenLifetime().toSeconds();
    Instant expiresAt = clock.instant().plusSeconds(lifetime);
    String token =
        jwt.generateToken(
            new JsonObject().put("username", user.username()).put("ver", user.sessionVersion()),
            new JWTOptions()
                .setAlgorithm(ALGORITHM)
                .setIssuer(ISSUER)
                .setSubject(Long.toString(user.id()))
                .setExpiresInSeconds((int) lifetime));
    return new Issued(token, expiresAt);
  }

  /**
   * Checks signature, algorithm, issuer and expiry; any failure is a plain 401 without details an
   * attacker could use.
   */
  public Future<Claims> verify(String token) {
    Verified known = verified.get(token);
    if (known != null) {
      if (current(known.expiresAt())) {
        return Future.succeededFuture(known.claims());
      }
      verified.remove(token);
      return Future.failedFuture(
          new Unauthorized("The session token is invalid or expired; sign in again."));
    }
    return jwt.authenticate(new TokenCredentials(token))
        .recover(
            err ->
                Future.failedFuture(
                    new Unauthorized("The session token is invalid or expired; sign in again.")))
        .compose(
            user -> {
              JsonObject p = user.principal();
              // every session this console issues expires; a signed token without exp would never
              // end
              Object exp =
                  user.attributes().containsKey("exp")
                      ? user.attributes().getValue("exp")
                      : p.getValue("exp");
              if (!(exp instanceof Number expiresAt) || !current(expiresAt.longValue())) {
                return Future.failedFuture(
                    new Unauthorized("The session token is invalid or expired; sign in again."));
              }
              Claims claims;
              try {
                claims = new Claims(Long.parseLong(p.getString("sub")), p.getInteger("ver"));
              } catch (RuntimeException e) {
                return Future.failedFuture(
                    new Unauthorized("The session token is invalid; sign in again."));
              }
              if (verified.size() >= MAX_VERIFIED) {
                verified.clear();
              }
              verified.put(token, new Verified(claims, expiresAt.longValue()));
              return Future.succeededFuture(claims);
            });
  }

  /** Whether a token expiring at {@code expiresAt} (epoch seconds) is still good. */
  private boolean current(long expiresAt) {
    return clock.instant().getEpochSecond() <= expiresAt + LEEWAY_SECONDS;
  }
}
