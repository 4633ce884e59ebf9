package io.cdcconsole.run;

import java.util.Comparator;
import java.util.Set;

/** Takes the plaintext secrets of a run out of a text about it (a submission failure, Flink's root cause). */
final class Scrubber {
  static final String MASK = "******";

  private Scrubber() {}

  static String scrub(String text, Set<String> secrets) {
    if (text == null) {
      return null;
    }
    String out = text;
    // longest first: a secret that contains another one is masked whole
    for (String secret : secrets.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList()) {
      if (secret.length() >= 3) {
        out = out.replace(secret, MASK);
      }
    }
    return out;
  }
}
