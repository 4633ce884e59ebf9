package io.cdcconsole.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jasypt.encryption.pbe.StandardPBEStringEncryptor;
import org.jasypt.exceptions.EncryptionOperationNotPossibleException;
import org.jasypt.iv.RandomIvGenerator;
import org.jasypt.salt.RandomSaltGenerator;

/**
 * Encrypts and decrypts {@code ENC(...)} values with the master key (jasypt,
 * PBEWITHHMACSHA512ANDAES_256 with a random salt and IV per value). Thread-safe; each call derives
 * the key anew, so run it off the event loop for bulk work.
 */
public final class SecretCipher {
  public static final String ALGORITHM = "PBEWITHHMACSHA512ANDAES_256";
  private static final Pattern ENC = Pattern.compile("^\\s*ENC\\((.*)\\)\\s*$", Pattern.DOTALL);

  private final StandardPBEStringEncryptor encryptor = new StandardPBEStringEncryptor();

  public SecretCipher(String masterKey) {
    encryptor.setAlgorithm(ALGORITHM);
    encryptor.setPassword(masterKey);
    encryptor.setSaltGenerator(new RandomSaltGenerator());
    encryptor.setIvGenerator(new RandomIvGenerator());
    encryptor.setKeyObtentionIterations(1000);
    encryptor.setStringOutputType("base64");
    encryptor.initialize();
  }

  public static boolean isEncrypted(String value) {
    return value != null && ENC.matcher(value).matches();
  }

  public String encrypt(String plaintext) {
    return "ENC(" + encryptor.encrypt(plaintext) + ")";
  }

  /**
   * Decrypts an {@code ENC(...)} value; throws {@link WrongKeyException} when it was encrypted with
   * another key or is damaged.
   */
  public String decrypt(String encValue) {
    Matcher m = ENC.matcher(encValue);
    if (!m.matches()) {
      throw new IllegalArgumentException("not an ENC(...) value");
    }
    try {
      return encryptor.decrypt(m.group(1).trim());
    } catch (EncryptionOperationNotPossibleException | IllegalArgumentException e) {
      throw new WrongKeyException();
    }
  }

  /** Returns the value itself, or its plaintext when it is {@code ENC(...)}. */
  public String reveal(String value) {
    return isEncrypted(value) ? decrypt(value) : value;
  }

  /**
   * The value cannot be decrypted with this master key (another key, or the ciphertext is damaged).
   */
  public static final class WrongKeyException extends RuntimeException {
    WrongKeyException() {
      super(
          "cannot decrypt: the master key is not the one this value was encrypted with, or the value is damaged",
          null,
          false,
          false);
    }
  }
}
