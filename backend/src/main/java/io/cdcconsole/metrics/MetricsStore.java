package io.cdcconsole.metrics;

import io.cdcconsole.run.RunState;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The grouped counts behind the database gauges: one query each, read every few seconds, never per
 * scrape.
 */
final class MetricsStore {

  /** Active runs of one cluster in one state; {@code stale} of them not seen lately. */
  record ActiveRuns(long clusterId, String cluster, String state, long runs, long stale) {}

  private static final String TERMINAL =
      Arrays.stream(RunState.values())
          .filter(RunState::terminal)
          .map(s -> "'" + s.name() + "'")
          .reduce((a, b) -> a + ", " + b)
          .orElseThrow();

  private final Pool pool;

  MetricsStore(Pool pool) {
    this.pool = pool;
  }

  /** Non-terminal runs grouped by cluster and state (an index covers the non-terminal states). */
  Future<List<ActiveRuns>> activeRuns() {
    return pool.query(
            "select c.id, c.name, r.state, count(*) as runs,"
                + " count(*) filter (where r.stale) as stale from pipeline_run r join flink_cluster c on c.id = r.cluster_id"
                + " where r.state not in ("
                + TERMINAL
                + ") group by c.id, c.name, r.state")
        .execute()
        .map(
            rows -> {
              List<ActiveRuns> found = new ArrayList<>();
              for (Row row : rows) {
                found.add(
                    new ActiveRuns(
                        row.getLong("id"),
                        row.getString("name"),
                        row.getString("state"),
                        row.getLong("runs"),
                        row.getLong("stale")));
              }
              return found;
            });
  }

  /** DolphinScheduler deliveries not delivered, by status (PENDING and FAILED always present). */
  Future<Map<String, Long>> undeliveredDsDeliveries() {
    return pool.query(
            "select status, count(*) as n from ds_delivery where status <> 'DELIVERED' group by status")
        .execute()
        .map(
            rows -> {
              Map<String, Long> counts = new HashMap<>(Map.of("PENDING", 0L, "FAILED", 0L));
              rows.forEach(row -> counts.put(row.getString("status"), row.getLong("n")));
              return counts;
            });
  }
}
