package io.cdcconsole.health;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads Flink's REST answers about a job into a {@link HealthSample}: which vertex is the source
 * (the one without inputs in the job plan), which of the wanted metrics its subtasks report and
 * under which names (operator metrics are prefixed by the operator, e.g. {@code
 * Source__Flink_CDC_Event_Source__mysql.currentFetchEventTimeLag}), and the values. What Flink CDC
 * 3.2.0's MySQL source reports was checked on a live job (docs/health.md).
 */
final class SourceMetrics {
  /**
   * A wanted metric: its Flink name, and whether it belongs to the source operator or the schema
   * operator.
   */
  enum Wanted {
    FETCH_LAG("currentFetchEventTimeLag", true),
    EMIT_LAG("currentEmitEventTimeLag", true),
    SOURCE_IDLE("sourceIdleTime", true),
    RECORDS_IN_RATE("numRecordsInPerSecond", true),
    RECORDS_OUT_RATE("numRecordsOutPerSecond", true),
    RECORDS_OUT("numRecordsOut", true),
    SCHEMA_CHANGES("numSchemaChangeEvents", false);

    final String metric;
    final boolean sourceOperator;

    Wanted(String metric, boolean sourceOperator) {
      this.metric = metric;
      this.sourceOperator = sourceOperator;
    }
  }

  /**
   * Snapshot progress is named so where reported; Flink CDC 3.2.0 reports none (no enumerator
   * metrics either).
   */
  static final String SNAPSHOT = "snapshotProgress";

  /**
   * What was found once per job: the source vertex and the name of each wanted metric it reports.
   */
  record Plan(String vertexId, Map<Wanted, String> names, List<String> snapshotNames) {
    /** The {@code get} parameter: the names to read, comma-separated. */
    String query() {
      List<String> all = new ArrayList<>(names.values());
      all.addAll(snapshotNames);
      return String.join(",", all);
    }
  }

  private SourceMetrics() {}

  /**
   * The id of the vertex without inputs in {@code GET /jobs/{id}/plan}; null when the plan has none
   * yet.
   */
  static String sourceVertex(JsonObject planAnswer) {
    JsonArray nodes =
        planAnswer.getJsonObject("plan", new JsonObject()).getJsonArray("nodes", new JsonArray());
    for (Object o : nodes) {
      JsonObject node = (JsonObject) o;
      JsonArray inputs = node.getJsonArray("inputs");
      if (inputs == null || inputs.isEmpty()) {
        return node.getString("id");
      }
    }
    return null;
  }

  /**
   * Matches the wanted metrics against the names the vertex's subtasks (and its enumerator) offer.
   */
  static Plan plan(String vertexId, JsonArray subtaskNames, JsonArray enumeratorNames) {
    List<String> offered = ids(subtaskNames);
    Map<Wanted, String> names = new LinkedHashMap<>();
    for (Wanted w : Wanted.values()) {
      find(offered, w).ifPresent(name -> names.put(w, name));
    }
    List<String> snapshot =
        offered.stream().filter(n -> n.contains("Snapshot") || n.contains("snapshot")).toList();
    // enumerator metrics would need a request of their own: noted, not read (none in Flink CDC
    // 3.2.0)
    return new Plan(vertexId, names, snapshot);
  }

  private static Optional<String> find(List<String> offered, Wanted w) {
    String suffix = "." + w.metric;
    Optional<String> operator =
        offered.stream()
            .filter(n -> n.endsWith(suffix) && (w.sourceOperator == n.startsWith("Source__")))
            .findFirst();
    if (operator.isPresent() || !w.sourceOperator) {
      return operator;
    }
    // a source whose operator does not report it: the task's own counter is the next best
    return offered.stream().filter(w.metric::equals).findFirst();
  }

  /**
   * A sample from {@code subtasks/metrics?get=…&agg=min,max,sum} and {@code /checkpoints}. Lags
   * take the slowest subtask, idle time the least idle one (the source is idle only when all are),
   * records the sum.
   */
  static HealthSample sample(
      Instant at, Plan plan, JsonArray metrics, JsonObject checkpoints, int restarts) {
    Map<String, JsonObject> byName = new LinkedHashMap<>();
    for (Object o : metrics) {
      JsonObject m = (JsonObject) o;
      byName.put(m.getString("id"), m);
    }
    List<String> notReported = new ArrayList<>();
    for (Wanted w : Wanted.values()) {
      if (!plan.names().containsKey(w)) {
        notReported.add(w.metric);
      }
    }
    if (plan.snapshotNames().isEmpty()) {
      notReported.add(SNAPSHOT);
    }
    JsonObject snapshot = null;
    if (!plan.snapshotNames().isEmpty()) {
      snapshot = new JsonObject();
      for (String name : plan.snapshotNames()) {
        Double v = value(byName, name, "sum");
        snapshot.put(name.substring(name.lastIndexOf('.') + 1), v);
      }
    }
    JsonObject counts = checkpoints.getJsonObject("counts", new JsonObject());
    JsonObject latest = checkpoints.getJsonObject("latest", new JsonObject());
    JsonObject completed = latest.getJsonObject("completed");
    JsonObject failed = latest.getJsonObject("failed");
    return new HealthSample(
        at,
        nonNegative(get(byName, plan, Wanted.FETCH_LAG, "max")),
        nonNegative(get(byName, plan, Wanted.EMIT_LAG, "max")),
        nonNegative(get(byName, plan, Wanted.SOURCE_IDLE, "min")),
        get(byName, plan, Wanted.RECORDS_IN_RATE, "sum"),
        get(byName, plan, Wanted.RECORDS_OUT_RATE, "sum"),
        asLong(get(byName, plan, Wanted.RECORDS_OUT, "sum")),
        snapshot,
        asLong(get(byName, plan, Wanted.SCHEMA_CHANGES, "sum")),
        completed == null ? null : completed.getLong("id"),
        completed == null || completed.getLong("latest_ack_timestamp") == null
            ? null
            : Instant.ofEpochMilli(completed.getLong("latest_ack_timestamp")),
        completed == null ? null : completed.getLong("end_to_end_duration"),
        completed == null
            ? null
            : completed.getLong("checkpointed_size", completed.getLong("state_size")),
        counts.getLong("total"),
        counts.getLong("in_progress"),
        counts.getLong("failed"),
        failed == null || failed.getLong("failure_timestamp") == null
            ? null
            : Instant.ofEpochMilli(failed.getLong("failure_timestamp")),
        restarts,
        notReported,
        false);
  }

  private static Double get(Map<String, JsonObject> byName, Plan plan, Wanted w, String agg) {
    String name = plan.names().get(w);
    return name == null ? null : value(byName, name, agg);
  }

  private static Double value(Map<String, JsonObject> byName, String name, String agg) {
    JsonObject m = byName.get(name);
    if (m == null) {
      return null;
    }
    Object v = m.getValue(agg);
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    if (v instanceof String s) {
      try {
        return Double.parseDouble(s);
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  /**
   * A lag or idle time below zero is Flink CDC's "not known yet" (-1): null, never a made-up zero.
   */
  private static Long nonNegative(Double v) {
    return v == null || v < 0 || v.isNaN() ? null : Math.round(v);
  }

  private static Long asLong(Double v) {
    return v == null || v.isNaN() ? null : Math.round(v);
  }

  private static List<String> ids(JsonArray array) {
    List<String> ids = new ArrayList<>();
    for (Object o : array) {
      if (o instanceof JsonObject m && m.getString("id") != null) {
        ids.add(m.getString("id"));
      }
    }
    return ids;
  }
}
