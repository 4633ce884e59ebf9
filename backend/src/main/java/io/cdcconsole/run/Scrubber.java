package io.cdcconsole.run;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Takes the plaintext secrets of a run out of a text about it (a submission failure, Flink's root
 * cause). A secret is also masked in the forms it takes inside a URL (a JDBC URL quotes its
 * password: {@code p%40ss}) and inside a JSON string (a REST error quotes it: {@code p\"ss}), since
 * Flink and connectors report those texts as they are (security review L9).
 */
final class Scrubber {
  static final String MASK = "******";

  private Scrubber() {}

  static String scrub(String text, Set<String> secrets) {
    if (text == null) {
      return null;
    }
    Set<String> forms = new LinkedHashSet<>();
    for (String secret : secrets) {
      if (secret.length() >= 3) {
        forms.add(secret);
        forms.add(URLEncoder.encode(secret, StandardCharsets.UTF_8));
        forms.add(URLEncoder.encode(secret, StandardCharsets.UTF_8).replace("+", "%20"));
        forms.add(jsonEscaped(secret));
      }
    }
    String out = text;
    // longest first: a secret that contains another one is masked whole
    for (String form :
        forms.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList()) {
      out = out.replace(form, MASK);
    }
    return out;
  }

  /** The secret as it appears between the quotes of a JSON string. */
  static String jsonEscaped(String secret) {
    StringBuilder out = new StringBuilder(secret.length() + 8);
    for (char c : secret.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04X", (int) c)); // as Jackson writes it
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
