package io.cdcconsole.auth;

import io.cdcconsole.error.ValidationFailed;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * bcrypt (Bouncy Castle) with a configurable cost. Hashing is deliberately slow, so it always runs on a worker thread,
 * unordered, so that sign-ins do not queue behind each other.
 */
public final class PasswordHasher {
  public static final int MIN_LENGTH = 8;
  /** bcrypt reads at most 72 bytes; longer passwords would be silently truncated, so they are refused. */
  public static final int MAX_BYTES = 72;

  private final Vertx vertx;
  private final int cost;
  private final SecureRandom random = new SecureRandom();
  private volatile String dummyHash;

  public PasswordHasher(Vertx vertx, int cost) {
    this.vertx = vertx;
    this.cost = cost;
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

  public Future<Boolean> verify(String password, String hash) {
    return vertx.executeBlocking(() -> matches(password, hash), false);
  }

  /** Spends the same time as a real check, for unknown users, so that timing does not tell which names exist. */
  public Future<Boolean> verifyNothing(String password) {
    return vertx.executeBlocking(() -> {
      if (dummyHash == null) {
        dummyHash = hashNow("no-such-user-" + random.nextLong());
      }
      matches(password, dummyHash);
      return false;
    }, false);
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
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
