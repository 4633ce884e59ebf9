package io.cdcconsole.store;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Function;

/** One page of a list, with the total the filters match: every list endpoint answers in this shape. */
public record Page<T>(List<T> items, long total, int limit, int offset) {

  public JsonObject toJson(Function<T, JsonObject> mapper) {
    JsonArray array = new JsonArray();
    items.forEach(i -> array.add(mapper.apply(i)));
    return new JsonObject().put("items", array).put("total", total).put("limit", limit).put("offset", offset);
  }
}
