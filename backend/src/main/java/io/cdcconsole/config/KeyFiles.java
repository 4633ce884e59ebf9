package io.cdcconsole.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Key files in {@code $CDC_CONSOLE_HOME/conf}: read when present, else created with random content
 * and mode 0600.
 */
public final class KeyFiles {

  /**
   * The key, and whether this call created the file (so the caller can tell the operator to back it
   * up).
   */
  public record Key(String value, boolean created) {}

  private KeyFiles() {}

  public static Key readOrCreate(Path file, int randomBytes) throws ConfigException {
    if (Files.exists(file)) {
      return new Key(read(file), false);
    }
    byte[] bytes = new byte[randomBytes];
    new SecureRandom().nextBytes(bytes);
    String key = Base64.getEncoder().encodeToString(bytes);
    try {
      Files.createDirectories(file.getParent());
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, key + "\n", StandardCharsets.UTF_8);
    } catch (FileAlreadyExistsException e) {
      return new Key(read(file), false); // another process created it first
    } catch (IOException e) {
      throw new ConfigException("cannot create key file " + file + ": " + e.getMessage());
    }
    return new Key(key, true);
  }

  private static String read(Path file) throws ConfigException {
    try {
      String key = Files.readString(file, StandardCharsets.UTF_8).trim();
      if (key.isEmpty()) {
        throw new ConfigException("key file " + file + " is empty; restore it from your backup");
      }
      return key;
    } catch (IOException e) {
      throw new ConfigException("cannot read key file " + file + ": " + e.getMessage());
    }
  }
}
