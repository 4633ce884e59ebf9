package io.cdcconsole.store;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Function;

/**
 * One page of a list, with the total the filters match: every list endpoint answers in this shape.
 */
public record Page<T>(List<T> items, long total, int limit, int offset) {

  /**
   * The requested page of a list that is read whole (short lists, or ones gathered from clusters).
   */
  public static <T> Page<T> slice(List<T> all, PageRequest request) {
    int from = Math.min(request.offset(), all.size());
    int to = Math.min(all.size(), from + request.limit());
    return new Page<>(
        List.copyOf(all.subList(from, to)), all.size(), request.limit(), request.offset());
  }

  /** Of JSON documents served as they are (the connector catalogue and its templates). */
  public static Page<JsonObject> slice(JsonArray all, PageRequest request) {
    return slice(all.stream().map(JsonObject.class::cast).toList(), request);
  }

  public JsonObject toJson(Function<T, JsonObject> mapper) {
    JsonArray array = new JsonArray();
    items.forEach(i -> array.add(mapper.apply(i)));
    return new JsonObject()
        .put("items", array)
        .put("total", total)
        .put("limit", limit)
        .put("offset", offset);
  }
}
