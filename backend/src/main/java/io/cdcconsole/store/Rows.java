package io.cdcconsole.store;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/** Small conversions every store needs when reading rows. */
public final class Rows {
  private Rows() {}

  public static Instant instant(Row row, String column) {
    return instant(row.getOffsetDateTime(column));
  }

  public static Instant instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }

  public static OffsetDateTime timestamp(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  /** A jsonb column as an object; empty when null. */
  public static JsonObject json(Row row, String column) {
    Object value = row.getValue(column);
    return value instanceof JsonObject j ? j : new JsonObject();
  }

  /** A jsonb column of string values (labels, headers) as a sorted map. */
  public static Map<String, String> stringMap(Row row, String column) {
    return stringMap(row.getValue(column));
  }

  /** A jsonb value as {@link #stringMap(Row, String)} reads it. */
  public static Map<String, String> stringMap(Object jsonb) {
    Map<String, String> map = new TreeMap<>();
    if (jsonb instanceof JsonObject j) {
      j.forEach(e -> map.put(e.getKey(), String.valueOf(e.getValue())));
    }
    return map;
  }

  /** A map of strings as a jsonb parameter. */
  public static JsonObject json(Map<String, String> map) {
    return new JsonObject(new TreeMap<String, Object>(map));
  }

  public static <T> List<T> all(RowSet<Row> rows, Function<Row, T> mapper) {
    List<T> out = new ArrayList<>(rows.size());
    rows.forEach(r -> out.add(mapper.apply(r)));
    return out;
  }

  public static <T> Optional<T> first(RowSet<Row> rows, Function<Row, T> mapper) {
    var it = rows.iterator();
    return it.hasNext() ? Optional.ofNullable(mapper.apply(it.next())) : Optional.empty();
  }
}
