package io.cdcconsole.config;

import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Finds the master key: {@code CDC_CONSOLE_MASTER_KEY}, else {@code $CDC_CONSOLE_HOME/conf/master.key}, created on first use. */
public final class MasterKey {
  public static final String ENV = "CDC_CONSOLE_MASTER_KEY";
  private static final Logger LOG = LoggerFactory.getLogger(MasterKey.class);

  private MasterKey() {}

  public static String resolve(Map<String, String> env, Path confDir) throws ConfigException {
    String fromEnv = env.get(ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv.trim();
    }
    Path file = confDir.resolve("master.key");
    KeyFiles.Key key = KeyFiles.readOrCreate(file, 32);
    if (key.created()) {
      LOG.warn("Created a new master key in {} (mode 0600). BACK IT UP: every ENC(...) secret of this console "
          + "can only be decrypted with it. You can provide it in {} instead.", file, ENV);
    }
    return key.value();
  }
}
