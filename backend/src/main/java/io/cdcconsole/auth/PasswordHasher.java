package io.cdcconsole.auth;

import io.cdcconsole.error.TooManyRequests;
import io.cdcconsole.error.ValidationFailed;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * bcrypt (Bouncy Castle) with a configurable cost. Hashing is deliberately slow, so it always runs
 * on a worker thread, unordered, so that sign-ins do not queue behind each other. Password checks,
 * which anyone can ask for, are bounded: beyond one per core at a time they are refused at once
 * (429), so that guesses cannot take all the CPU and workers.
 */
public final class PasswordHasher {
  public static final int MIN_LENGTH = 8;

  /**
   * bcrypt reads at most 72 bytes; longer passwords would be silently truncated, so they are
   * refused.
   */
  public static final int MAX_BYTES = 72;

  private final Vertx vertx;
  private final int cost;
  private final SecureRandom random = new SecureRandom();
  private final Semaphore checks;
  private volatile String dummyHash;

  public PasswordHasher(Vertx vertx, int cost) {
    this(vertx, cost, Math.max(2, Runtime.getRuntime().availableProcessors()));
  }

  PasswordHasher(Vertx vertx, int cost, int maxConcurrentChecks) {
    this.vertx = vertx;
    this.cost = cost;
    this.checks = new Semaphore(maxConcurrentChecks);
  }

  /** Checks the policy; throws {@link ValidationFailed} naming {@code field}. */
  public static void checkPolicy(String field, String password) {
    if (password == null || password.length() < MIN_LENGTH) {
      throw ValidationFailed.of(field, "must be at least " + MIN_LENGTH + " characters");
    }
    if (password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      throw ValidationFailed.of(field, "must be at most " + MAX_BYTES + " bytes (UTF-8)");
    }
  }

  public Future<String> hash(String password) {
    return vertx.executeBlocking(() -> hashNow(password), false);
  }

  /** Fails with {@link TooManyRequests} when as many checks as allowed run already. */
  public Future<Boolean> verify(String password, String hash) {
    return gated(() -> matches(password, hash));
  }

  /**
   * Spends the same time as a real check, for unknown users, so that timing does not tell which
   * names exist.
   */
  public Future<Boolean> verifyNothing(String password) {
    return gated(
        () -> {
          if (dummyHash == null) {
            dummyHash = hashNow("no-such-user-" + random.nextLong());
          }
          matches(password, dummyHash);
          return false;
        });
  }

  private Future<Boolean> gated(Callable<Boolean> check) {
    if (!checks.tryAcquire()) {
      return Future.failedFuture(
          new TooManyRequests(
              "The server is checking too many passwords at once; " + "try again in a second.", 1));
    }
    return vertx.executeBlocking(check, false).onComplete(done -> checks.release());
  }

  private String hashNow(String password) {
    byte[] salt = new byte[16];
    random.nextBytes(salt);
    return OpenBSDBCrypt.generate("2b", password.toCharArray(), salt, cost);
  }

  private static boolean matches(String password, String hash) {
    if (password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      return false;
    }
    try {
      return OpenBSDBCrypt.checkPassword(hash, password.toCharArray());
    } catch (RuntimeException e) {
      // a malformed hash, or text bcrypt cannot encode (Bouncy Castle throws IllegalStateException
      // on a lone surrogate)
      return false;
    }
  }
}
