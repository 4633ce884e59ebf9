package io.cdcconsole.secret;

import io.cdcconsole.config.SecretCipher;
import io.cdcconsole.error.Conflict;
import io.cdcconsole.error.NotFound;
import io.cdcconsole.error.PreconditionFailed;
import io.cdcconsole.error.PreconditionRequired;
import io.cdcconsole.error.ValidationFailed;
import io.cdcconsole.validation.Names;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Named secrets that pipelines refer to as {@code ${secret:NAME}}: one place to rotate a password
 * that many pipelines share. Write-only through the API; values are resolved in memory, and only
 * where the console needs them.
 */
public final class SecretService {
  private static final int MAX_VALUE = 64 * 1024;

  private final Vertx vertx;
  private final SecretStore store;
  private final SecretCipher cipher;

  public SecretService(Vertx vertx, SecretStore store, SecretCipher cipher) {
    this.vertx = vertx;
    this.store = store;
    this.cipher = cipher;
  }

  public Future<List<NamedSecret>> list() {
    return store.list();
  }

  /** A saved secret: whether the name was new, and its version (the ETag). */
  public record Saved(boolean created, int version) {}

  public Future<NamedSecret> get(String name) {
    return store
        .find(name)
        .compose(
            found ->
                found
                    .map(Future::succeededFuture)
                    .orElseGet(
                        () ->
                            Future.failedFuture(new NotFound("No secret named '" + name + "'."))));
  }

  /**
   * Stores the value encrypted: a new name without {@code ifMatch}; an existing one only with
   * {@code ifMatch} equal to its version (428 without it, 412 when stale), like every other
   * versioned resource.
   */
  public Future<Saved> put(
      String name, String value, String description, String by, Optional<Integer> ifMatch) {
    try {
      Names.slug("name", name);
      if (value == null || value.isEmpty() || value.length() > MAX_VALUE) {
        throw ValidationFailed.of("value", "is required, at most " + MAX_VALUE + " characters");
      }
    } catch (ValidationFailed e) {
      return Future.failedFuture(e);
    }
    String text = description == null ? "" : description;
    return vertx
        .executeBlocking(
            () -> SecretCipher.isEncrypted(value) ? checked(value) : cipher.encrypt(value), false)
        .compose(
            encrypted ->
                ifMatch.isEmpty()
                    ? store
                        .insert(name, encrypted, text, by)
                        .compose(
                            version ->
                                version
                                    .map(v -> Future.succeededFuture(new Saved(true, v)))
                                    .orElseGet(
                                        () ->
                                            Future.failedFuture(
                                                new PreconditionRequired(
                                                    "Secret '"
                                                        + name
                                                        + "' exists: replacing "
                                                        + "it needs If-Match with the version you read (its ETag), e.g. If-Match: \"3\"."))))
                    : store
                        .replace(name, ifMatch.get(), encrypted, text, by)
                        .compose(
                            version ->
                                version
                                    .map(v -> Future.succeededFuture(new Saved(false, v)))
                                    .orElseGet(
                                        () ->
                                            get(name)
                                                .compose(
                                                    now ->
                                                        Future.failedFuture(
                                                            stale(name, now.version()))))));
  }

  public Future<Void> delete(String name, int ifMatch) {
    return get(name)
        .compose(
            found -> {
              if (found.version() != ifMatch) {
                return Future.failedFuture(stale(name, found.version()));
              }
              if (!found.usedBy().isEmpty()) {
                return Future.failedFuture(
                    new Conflict(
                        "Secret '"
                            + name
                            + "' is used by pipelines: "
                            + String.join(", ", found.usedBy())
                            + ". Change them first."));
              }
              return store
                  .delete(name, ifMatch)
                  .compose(
                      deleted ->
                          deleted
                              ? Future.<Void>succeededFuture()
                              : get(name)
                                  .compose(now -> Future.failedFuture(stale(name, now.version()))));
            });
  }

  private static PreconditionFailed stale(String name, int current) {
    return new PreconditionFailed(
        "Secret '"
            + name
            + "' was changed meanwhile; its current version is "
            + current
            + ". Reload it and apply your change again.",
        current);
  }

  /** Names among {@code names} that do not exist. */
  public Future<Set<String>> missing(Set<String> names) {
    return store
        .encryptedValues(names)
        .map(
            found -> {
              Set<String> missing = new java.util.TreeSet<>(names);
              missing.removeAll(found.keySet());
              return missing;
            });
  }

  /**
   * Plaintext values of the named secrets, for submit time or an audited reveal; unknown names are
   * absent.
   */
  public Future<Map<String, String>> resolve(Set<String> names) {
    return store
        .encryptedValues(names)
        .compose(
            encrypted ->
                vertx.executeBlocking(
                    () -> {
                      Map<String, String> plain = new HashMap<>();
                      encrypted.forEach((name, enc) -> plain.put(name, cipher.decrypt(enc)));
                      return plain;
                    },
                    false));
  }

  private String checked(String encrypted) {
    try {
      cipher.decrypt(encrypted);
      return encrypted;
    } catch (SecretCipher.WrongKeyException e) {
      throw ValidationFailed.of(
          "value", "an ENC(...) value does not decrypt with this console's master key");
    }
  }
}
