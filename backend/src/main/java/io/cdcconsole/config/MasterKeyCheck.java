package io.cdcconsole.config;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.BiFunction;

/**
 * Refuses to start with a master key other than the one the database was set up with: otherwise the
 * console would start and only fail later, on the first stored secret it needs.
 */
public final class MasterKeyCheck {
  private static final String SETTING = "master_key_check";
  private static final String MARKER = "cdc-console master key check";

  private MasterKeyCheck() {}

  /**
   * {@code putIfAbsent} stores a setting unless it exists and answers the stored value (the
   * settings store's; passed in so that configuration does not depend on the store, which depends
   * on configuration).
   */
  public static Future<Void> verify(
      Vertx vertx, SecretCipher cipher, BiFunction<String, String, Future<String>> putIfAbsent) {
    return vertx
        .executeBlocking(() -> cipher.encrypt(MARKER), false)
        .compose(candidate -> putIfAbsent.apply(SETTING, candidate))
        .compose(
            stored ->
                vertx.executeBlocking(
                    () -> {
                      try {
                        if (MARKER.equals(cipher.decrypt(stored))) {
                          return null;
                        }
                      } catch (SecretCipher.WrongKeyException e) {
                        // fall through to the explanation below
                      }
                      throw new ConfigException(
                          "the master key is not the one this database was set up with: restore "
                              + "$CDC_CONSOLE_HOME/conf/master.key from your backup or set "
                              + MasterKey.ENV
                              + " to the original key");
                    },
                    false));
  }
}
