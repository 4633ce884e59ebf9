package io.cdcconsole.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * {@code java -jar cdc-console.jar encrypt}: reads one value from standard input (so it stays out
 * of the shell history and the process list) and prints it as {@code ENC(...)} under this console's
 * master key.
 */
public final class EncryptCommand {
  private EncryptCommand() {}

  public static int run(InputStream in, PrintStream out, PrintStream err, Map<String, String> env) {
    try {
      String key = MasterKey.resolve(env, ConfigLoader.home(env).resolve("conf"));
      String value = readValue(in);
      if (value.isEmpty()) {
        err.println(
            "cdc-console encrypt: nothing to encrypt: pass the value on standard input, e.g. "
                + "'printf %s \"$PASSWORD\" | java -jar cdc-console.jar encrypt'");
        return 2;
      }
      out.println(new SecretCipher(key).encrypt(value));
      return 0;
    } catch (ConfigException | IOException e) {
      err.println("cdc-console encrypt: " + e.getMessage());
      return 1;
    }
  }

  /**
   * The whole input without its final line break, so that both {@code echo} and {@code printf}
   * work.
   */
  private static String readValue(InputStream in) throws IOException {
    String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    if (text.endsWith("\r\n")) {
      return text.substring(0, text.length() - 2);
    }
    return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
  }
}
