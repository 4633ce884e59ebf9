package io.cdcconsole.validation;

import io.cdcconsole.error.ValidationFailed;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Labels such as {@code env=prod}: a bounded set of short key/value strings, for filtering and
 * grouping.
 */
public final class Labels {
  public static final int MAX_LABELS = 32;
  private static final Pattern KEY = Pattern.compile("[a-z0-9]([a-z0-9._/-]{0,61}[a-z0-9])?");
  private static final int MAX_VALUE = 63;

  private Labels() {}

  public static Map<String, String> parse(String field, JsonObject json) {
    Map<String, String> labels = new TreeMap<>();
    if (json == null) {
      return labels;
    }
    if (json.size() > MAX_LABELS) {
      throw ValidationFailed.of(field, "at most " + MAX_LABELS + " labels");
    }
    for (Map.Entry<String, Object> e : json) {
      if (!KEY.matcher(e.getKey()).matches()) {
        throw ValidationFailed.of(
            field + "." + e.getKey(),
            "label keys are 1 to 63 lowercase letters, digits, '.', '_', '/' or '-'");
      }
      if (!(e.getValue() instanceof String v) || v.length() > MAX_VALUE) {
        throw ValidationFailed.of(
            field + "." + e.getKey(),
            "label values are strings of at most " + MAX_VALUE + " characters");
      }
      labels.put(e.getKey(), v);
    }
    return labels;
  }

  /** A {@code key=value} (or bare {@code key}) filter from a query parameter. */
  public static Map.Entry<String, String> filter(String text) {
    int eq = text.indexOf('=');
    return eq < 0 ? Map.entry(text, "") : Map.entry(text.substring(0, eq), text.substring(eq + 1));
  }

  public static JsonObject toJson(Map<String, String> labels) {
    return new JsonObject(new TreeMap<String, Object>(labels));
  }
}
