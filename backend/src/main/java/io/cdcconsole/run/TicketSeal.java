package io.cdcconsole.run;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * What a launch ticket's row holds: its id is the ticket's SHA-256, its content sealed with AES-GCM
 * under a key derived from the ticket (another SHA-256, with a different prefix). Only who holds
 * the ticket can find and open the row; the database, even with the master key, cannot, and the key
 * needs no storing: a replica that did not issue the ticket opens it with the ticket it is handed.
 * The ticket is 256 random bits, so one hash suffices as key derivation (no password stretching).
 */
final class TicketSeal {
  private static final String KEY_PREFIX = "cdc-console launch-ticket key\0";
  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private TicketSeal() {}

  /** The row's key: hex SHA-256 of the ticket; its first 12 digits are the ticket's fingerprint. */
  static String id(String ticket) {
    return HexFormat.of().formatHex(sha256(ticket));
  }

  static byte[] seal(String ticket, String plain) {
    byte[] iv = new byte[IV_BYTES];
    RANDOM.nextBytes(iv);
    try {
      Cipher aes = cipher(Cipher.ENCRYPT_MODE, ticket, iv);
      byte[] sealed = aes.doFinal(plain.getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.allocate(IV_BYTES + sealed.length).put(iv).put(sealed).array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot seal a launch ticket", e);
    }
  }

  /** The sealed text; fails when {@code sealed} was not sealed with this ticket. */
  static String open(String ticket, byte[] sealed) throws GeneralSecurityException {
    Cipher aes = cipher(Cipher.DECRYPT_MODE, ticket, java.util.Arrays.copyOf(sealed, IV_BYTES));
    byte[] plain = aes.doFinal(sealed, IV_BYTES, sealed.length - IV_BYTES);
    return new String(plain, StandardCharsets.UTF_8);
  }

  private static Cipher cipher(int mode, String ticket, byte[] iv) throws GeneralSecurityException {
    Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
    aes.init(
        mode,
        new SecretKeySpec(sha256(KEY_PREFIX + ticket), "AES"),
        new GCMParameterSpec(TAG_BITS, iv));
    return aes;
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
