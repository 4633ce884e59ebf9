package io.cdcconsole.error;

import io.vertx.core.json.JsonObject;

/**
 * One problem with one input field; {@code line}/{@code column} are 1-based and null when the input
 * is not a document.
 */
public record FieldError(String path, Integer line, Integer column, String message) {

  public static FieldError of(String path, String message) {
    return new FieldError(path, null, null, message);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("path", path).put("message", message);
    if (line != null) {
      json.put("line", line);
    }
    if (column != null) {
      json.put("column", column);
    }
    return json;
  }
}
