package io.cdcconsole.validation;

import io.cdcconsole.error.ValidationFailed;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Text the console can store and show: no U+0000 (PostgreSQL text and jsonb cannot hold it) and no
 * unpaired UTF-16 surrogate (not encodable as UTF-8; bcrypt and the database refuse it). Input is
 * checked at the edge, answering 400 naming the field; values written for the record (audit, logs)
 * are {@link #sanitised} instead, never refused.
 */
public final class Text {
  public static final String PROBLEM = "must not contain U+0000 or an unpaired UTF-16 surrogate";

  private Text() {}

  /** Whether {@code value} has neither U+0000 nor a lone surrogate (null is fine). */
  public static boolean storable(String value) {
    if (value == null) {
      return true;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == 0) {
        return false;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  public static String check(String field, String value) {
    if (!storable(value)) {
      throw ValidationFailed.of(field, PROBLEM);
    }
    return value;
  }

  /**
   * Checks every key and string value of a JSON tree; errors name the path ({@code labels.env},
   * {@code items[2]}).
   */
  public static void checkJson(String path, Object value) {
    if (value instanceof String s) {
      check(path, s);
    } else if (value instanceof JsonObject object) {
      for (Map.Entry<String, Object> e : object) {
        String child = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
        check(path.isEmpty() ? "(a field name)" : path, e.getKey());
        checkJson(storable(e.getKey()) ? child : path, e.getValue());
      }
    } else if (value instanceof JsonArray array) {
      for (int i = 0; i < array.size(); i++) {
        checkJson(path + "[" + i + "]", array.getValue(i));
      }
    }
  }

  /**
   * For the record: U+0000 and lone surrogates become U+FFFD, and text longer than {@code max}
   * characters is cut (never inside a surrogate pair) and marked with how much was left off.
   */
  public static String sanitised(String value, int max) {
    if (value == null) {
      return null;
    }
    int end = value.length();
    if (end > max) {
      end = Character.isHighSurrogate(value.charAt(max - 1)) ? max - 1 : max;
    }
    StringBuilder out = new StringBuilder(Math.min(value.length(), max) + 32);
    for (int i = 0; i < end; i++) {
      char c = value.charAt(i);
      boolean pair =
          Character.isHighSurrogate(c)
              && i + 1 < end
              && Character.isLowSurrogate(value.charAt(i + 1));
      if (pair) {
        out.append(c).append(value.charAt(++i));
      } else if (c == 0 || Character.isSurrogate(c)) {
        out.append('\uFFFD');
      } else {
        out.append(c);
      }
    }
    if (end < value.length()) {
      out.append("…(").append(value.length() - end).append(" more characters)");
    }
    return out.toString();
  }

  /** A JSON tree with every key and string {@link #sanitised}. */
  public static Object sanitisedJson(Object value, int max) {
    if (value instanceof String s) {
      return sanitised(s, max);
    }
    if (value instanceof JsonObject object) {
      JsonObject out = new JsonObject();
      object.forEach(e -> out.put(sanitised(e.getKey(), max), sanitisedJson(e.getValue(), max)));
      return out;
    }
    if (value instanceof JsonArray array) {
      JsonArray out = new JsonArray();
      array.forEach(v -> out.add(sanitisedJson(v, max)));
      return out;
    }
    return value;
  }
}
