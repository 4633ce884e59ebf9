package io.cdcconsole.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Security review L11: whatever is wrong with an {@code ENC(...)} value (another key, bad padding,
 * cut, reversed, not base64, empty), decrypting it fails the same way with the same text, so no
 * answer built on it tells the cases apart.
 */
class SecretCipherTest {

  @Test
  void everyDecryptFailureLooksTheSame() {
    SecretCipher cipher = new SecretCipher("a-master-key-for-this-test-only-0123456789");
    String good = cipher.encrypt("hello-world-secret");
    String body = good.substring(4, good.length() - 1);
    List<String> damaged =
        List.of(
            "ENC(!!!)",
            "ENC()",
            "ENC(abc)",
            "ENC(" + body.substring(0, body.length() - 4) + ")",
            "ENC(" + body.substring(0, 20) + ")",
            "ENC(" + new StringBuilder(body).reverse() + ")",
            new SecretCipher("another-master-key-0123456789-abcdef").encrypt("hello-world-secret"));
    Set<String> texts = new HashSet<>();
    for (String value : damaged) {
      texts.add(
          assertThrows(SecretCipher.WrongKeyException.class, () -> cipher.decrypt(value), value)
              .getMessage());
    }
    assertEquals(1, texts.size(), texts.toString());
    assertEquals("hello-world-secret", cipher.decrypt(good));
  }
}
