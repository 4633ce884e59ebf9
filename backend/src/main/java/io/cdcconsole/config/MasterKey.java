package io.cdcconsole.config;

import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the master key: {@code CDC_CONSOLE_MASTER_KEY}, else {@code
 * $CDC_CONSOLE_HOME/conf/master.key}, created on first use.
 */
public final class MasterKey {
  public static final String ENV = "CDC_CONSOLE_MASTER_KEY";

  /** The shortest key accepted: a generated key is 44 characters (32 random bytes, base64). */
  public static final int MIN_LENGTH = 32;

  private static final Logger LOG = LoggerFactory.getLogger(MasterKey.class);

  private MasterKey() {}

  public static String resolve(Map<String, String> env, Path confDir) throws ConfigException {
    String fromEnv = env.get(ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return longEnough(fromEnv.trim(), "environment variable " + ENV);
    }
    Path file = confDir.resolve("master.key");
    KeyFiles.Key key = KeyFiles.readOrCreate(file, 32);
    longEnough(key.value(), file.toString());
    if (key.created()) {
      LOG.warn(
          "Created a new master key in {} (mode 0600). BACK IT UP: every ENC(...) secret of this console "
              + "can only be decrypted with it. You can provide it in {} instead.",
          file,
          ENV);
    }
    return key.value();
  }

  /**
   * A short key makes every {@code ENC(...)} value open to guessing (the key derivation is only 1
   * 000 rounds): refused at start, before anything is encrypted with it.
   */
  private static String longEnough(String key, String origin) throws ConfigException {
    if (key.length() < MIN_LENGTH) {
      throw new ConfigException(
          origin
              + ": the master key has "
              + key.length()
              + " characters, fewer than "
              + MIN_LENGTH
              + ". Use a random one, e.g. $(openssl rand -base64 32). A console that already encrypted "
              + "values with a short key: decrypt them with it and encrypt them again with the new key.");
    }
    return key;
  }
}
