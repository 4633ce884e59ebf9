package io.cdcconsole.web;

import io.cdcconsole.error.BadRequest;
import io.cdcconsole.error.ValidationFailed;
import io.cdcconsole.validation.Text;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * A request's JSON object body with typed, field-named access: wrong types answer 400 naming the
 * field.
 */
public final class JsonBody {
  private final JsonObject json;
  private final String prefix;

  private JsonBody(JsonObject json, String prefix) {
    this.json = json;
    this.prefix = prefix;
  }

  public static JsonBody of(RoutingContext ctx) {
    Buffer buffer = ctx.body().buffer();
    if (buffer == null || buffer.length() == 0) {
      throw new BadRequest("A JSON object is required as the request body.");
    }
    JsonObject json;
    try {
      json = new JsonObject(buffer);
    } catch (DecodeException | ClassCastException e) {
      throw new BadRequest("The request body is not a valid JSON object.");
    }
    Text.checkJson("", json);
    return new JsonBody(json, "");
  }

  public JsonObject raw() {
    return json;
  }

  /**
   * A nested object, empty when absent; errors inside it name the full path ({@code auth.type}).
   */
  public JsonBody object(String field) {
    Object value = json.getValue(field);
    if (value != null && !(value instanceof JsonObject)) {
      throw ValidationFailed.of(path(field), "must be an object");
    }
    return new JsonBody(value == null ? new JsonObject() : (JsonObject) value, path(field) + ".");
  }

  /** A flat object of string values, such as labels or headers. */
  public java.util.Map<String, String> stringMap(String field) {
    java.util.Map<String, String> map = new java.util.LinkedHashMap<>();
    JsonBody nested = object(field);
    for (String key : nested.json.fieldNames()) {
      map.put(
          key,
          nested
              .string(key)
              .orElseThrow(() -> ValidationFailed.of(nested.path(key), "must be a string")));
    }
    return map;
  }

  public boolean has(String field) {
    return json.containsKey(field);
  }

  private String path(String field) {
    return prefix + field;
  }

  public Optional<String> string(String field) {
    Object value = json.getValue(field);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof String s)) {
      throw ValidationFailed.of(path(field), "must be a string");
    }
    return Optional.of(s);
  }

  public String requiredString(String field) {
    return string(field)
        .filter(s -> !s.isEmpty())
        .orElseThrow(() -> ValidationFailed.of(path(field), "is required"));
  }

  public Optional<Boolean> bool(String field) {
    Object value = json.getValue(field);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof Boolean b)) {
      throw ValidationFailed.of(path(field), "must be true or false");
    }
    return Optional.of(b);
  }

  public Optional<Long> integer(String field, long min, long max) {
    Object value = json.getValue(field);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof Number n)
        || n.doubleValue() != Math.rint(n.doubleValue())
        || n.longValue() < min
        || n.longValue() > max) {
      throw ValidationFailed.of(path(field), "must be a whole number from " + min + " to " + max);
    }
    return Optional.of(n.longValue());
  }

  public Optional<Instant> instant(String field) {
    return string(field)
        .map(
            text -> {
              try {
                return Instant.parse(text);
              } catch (DateTimeParseException e) {
                throw ValidationFailed.of(
                    path(field), "must be an ISO-8601 UTC time such as 2030-01-31T00:00:00Z");
              }
            });
  }
}
