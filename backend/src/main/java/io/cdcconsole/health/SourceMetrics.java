package io.cdcconsole.health;

import io.cdcconsole.cluster.FlinkGateway.AggregatedMetric;
import io.cdcconsole.cluster.FlinkGateway.Checkpoint;
import io.cdcconsole.cluster.FlinkGateway.Checkpoints;
import io.cdcconsole.cluster.FlinkGateway.PlanVertex;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads what Flink reports about a job (the gateway's records) into a {@link HealthSample}: which
 * vertex is the source (the one without inputs in the job plan), which of the wanted metrics its
 * subtasks report and under which names (operator metrics are prefixed by the operator, e.g. {@code
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
    /** The names to read in each sample. */
    List<String> toRead() {
      List<String> all = new ArrayList<>(names.values());
      all.addAll(snapshotNames);
      return all;
    }
  }

  private SourceMetrics() {}

  /** The vertex without inputs in the job's plan; empty when the plan has none yet. */
  static Optional<String> sourceVertex(List<PlanVertex> plan) {
    return plan.stream().filter(v -> v.inputs().isEmpty()).map(PlanVertex::id).findFirst();
  }

  /**
   * Matches the wanted metrics against the names the vertex's subtasks (and its enumerator) offer.
   */
  static Plan plan(String vertexId, List<String> offered) {
    Map<Wanted, String> names = new LinkedHashMap<>();
    for (Wanted w : Wanted.values()) {
      find(offered, w).ifPresent(name -> names.put(w, name));
    }
    List<String> snapshot =
        offered.stream().filter(n -> n.contains("Snapshot") || n.contains("snapshot")).toList();
    // the split enumerator's metrics (jm-operator-metrics) are not asked for: Flink CDC 3.2.0
    // reports none there, and a request per job would buy nothing
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
   * A sample from the vertex's aggregated subtask metrics and the job's checkpoint statistics. Lags
   * take the slowest subtask, idle time the least idle one (the source is idle only when all are),
   * records the sum.
   */
  static HealthSample sample(
      Instant at,
      Plan plan,
      Map<String, AggregatedMetric> metrics,
      Checkpoints checkpoints,
      int restarts) {
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
        Double v = value(metrics, name, AggregatedMetric::sum);
        snapshot.put(name.substring(name.lastIndexOf('.') + 1), v);
      }
    }
    Optional<Checkpoint> completed = checkpoints.latest();
    return new HealthSample(
        at,
        nonNegative(get(metrics, plan, Wanted.FETCH_LAG, AggregatedMetric::max)),
        nonNegative(get(metrics, plan, Wanted.EMIT_LAG, AggregatedMetric::max)),
        nonNegative(get(metrics, plan, Wanted.SOURCE_IDLE, AggregatedMetric::min)),
        get(metrics, plan, Wanted.RECORDS_IN_RATE, AggregatedMetric::sum),
        get(metrics, plan, Wanted.RECORDS_OUT_RATE, AggregatedMetric::sum),
        asLong(get(metrics, plan, Wanted.RECORDS_OUT, AggregatedMetric::sum)),
        snapshot,
        asLong(get(metrics, plan, Wanted.SCHEMA_CHANGES, AggregatedMetric::sum)),
        completed.map(Checkpoint::id).orElse(null),
        completed.map(Checkpoint::ackedAt).map(Instant::ofEpochMilli).orElse(null),
        completed.map(Checkpoint::durationMs).orElse(null),
        completed.map(Checkpoint::sizeBytes).orElse(null),
        checkpoints.triggered(),
        checkpoints.inProgress(),
        checkpoints.failed(),
        checkpoints.latestFailedAt().map(Instant::ofEpochMilli).orElse(null),
        restarts,
        notReported,
        false);
  }

  private static Double get(
      Map<String, AggregatedMetric> metrics,
      Plan plan,
      Wanted w,
      Function<AggregatedMetric, Double> agg) {
    String name = plan.names().get(w);
    return name == null ? null : value(metrics, name, agg);
  }

  private static Double value(
      Map<String, AggregatedMetric> metrics, String name, Function<AggregatedMetric, Double> agg) {
    AggregatedMetric m = metrics.get(name);
    return m == null ? null : agg.apply(m);
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
}
