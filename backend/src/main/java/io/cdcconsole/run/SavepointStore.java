package io.cdcconsole.run;

import io.cdcconsole.store.Rows;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Periodic savepoint schedules (a pipeline's interval, a cluster's default) and the ledger's
 * retention: which runs are due, which ledger entries may go. The turn of each run is stored
 * ({@code pipeline_run.next_savepoint_at}), so a restarted console takes the same decisions.
 */
final class SavepointStore {
  /**
   * The interval that applies to a run, in ms (0: off): the pipeline's own (0 there is an explicit
   * off), else its cluster's default, else off. Needs {@code p} (pipeline) and {@code c} (the run's
   * cluster) in the query.
   */
  static final String INTERVAL = "coalesce(p.savepoint_interval_ms, c.savepoint_interval_ms, 0)";

  /**
   * A pipeline's schedule as stored ({@code own}: null inherits) and its cluster's default (null:
   * off).
   */
  record Schedule(Long ownMs, Long clusterMs) {
    long effectiveMs() {
      return ownMs != null ? ownMs : clusterMs == null ? 0 : clusterMs;
    }
  }

  /**
   * A ledger entry the retention policy lets go, with the cluster of the run that wrote it (null:
   * none known).
   */
  record Expired(long id, long pipelineId, String path, String state, Long clusterId) {}

  private final Pool pool;

  SavepointStore(Pool pool) {
    this.pool = pool;
  }

  Future<Optional<Schedule>> schedule(long pipelineId) {
    return pool.preparedQuery(
            "select p.savepoint_interval_ms as own, c.savepoint_interval_ms as cluster "
                + "from pipeline p join flink_cluster c on c.id = p.cluster_id where p.id = $1")
        .execute(Tuple.of(pipelineId))
        .map(rows -> Rows.first(rows, r -> new Schedule(r.getLong("own"), r.getLong("cluster"))));
  }

  /** Sets the pipeline's interval (null: inherit, 0: off); its active runs get a new turn. */
  Future<Void> setPipelineInterval(long pipelineId, Long intervalMs) {
    return pool.withTransaction(
            conn ->
                conn.preparedQuery("update pipeline set savepoint_interval_ms = $2 where id = $1")
                    .execute(Tuple.of(pipelineId, intervalMs))
                    .compose(
                        ok ->
                            conn.preparedQuery(
                                    "update pipeline_run r set next_savepoint_at = null where r.pipeline_id = $1 "
                                        + "and "
                                        + RunStore.ACTIVE)
                                .execute(Tuple.of(pipelineId))))
        .mapEmpty();
  }

  Future<Optional<Long>> clusterInterval(long clusterId) {
    return pool.preparedQuery("select savepoint_interval_ms from flink_cluster where id = $1")
        .execute(Tuple.of(clusterId))
        .map(
            rows -> {
              var it = rows.iterator();
              return it.hasNext()
                  ? Optional.of(Optional.ofNullable(it.next().getLong(0)).orElse(0L))
                  : Optional.empty();
            });
  }

  /** Sets the cluster's default (null: off); the active runs on the cluster get a new turn. */
  Future<Void> setClusterInterval(long clusterId, Long intervalMs) {
    return pool.withTransaction(
            conn ->
                conn.preparedQuery(
                        "update flink_cluster set savepoint_interval_ms = $2 where id = $1")
                    .execute(Tuple.of(clusterId, intervalMs))
                    .compose(
                        ok ->
                            conn.preparedQuery(
                                    "update pipeline_run r set next_savepoint_at = null where r.cluster_id = $1 "
                                        + "and "
                                        + RunStore.ACTIVE)
                                .execute(Tuple.of(clusterId))))
        .mapEmpty();
  }

  /**
   * Gives each RUNNING run without a turn yet its first one: with an interval, spread over it by
   * its id (the golden ratio puts consecutive ids far apart), so that many runs with one interval
   * do not all fire at once; without, 'infinity', so that this statement reads it only once
   * (setting an interval clears the turn of the runs it concerns).
   */
  Future<Void> scheduleNew() {
    return pool.query(
            "update pipeline_run r set next_savepoint_at = case when "
                + INTERVAL
                + " > 0 then now() + "
                + INTERVAL
                + " * ((r.id * 0.6180339887) - floor(r.id * 0.6180339887)) * interval '1 millisecond' "
                + "else 'infinity' end "
                + "from pipeline p, flink_cluster c where p.id = r.pipeline_id and c.id = r.cluster_id "
                + "and r.state = 'RUNNING' and r.next_savepoint_at is null")
        .execute()
        .mapEmpty();
  }

  /**
   * RUNNING runs whose turn has come and that have no savepoint or stop under way, longest waiting
   * first.
   */
  Future<List<Long>> due(int limit) {
    return pool.preparedQuery(
            "select r.id from pipeline_run r join pipeline p on p.id = r.pipeline_id "
                + "join flink_cluster c on c.id = r.cluster_id where r.state = 'RUNNING' and not r.stale "
                + "and r.next_savepoint_at <= now() and "
                + INTERVAL
                + " > 0 "
                + "and not exists (select 1 from run_operation o where o.run_id = r.id and o.status = 'IN_PROGRESS') "
                + "order by r.next_savepoint_at limit $1")
        .execute(Tuple.of(limit))
        .map(rows -> Rows.all(rows, r -> r.getLong(0)));
  }

  /**
   * Savepoint entries beyond the newest {@code keep} of their pipeline (completed and failed ones
   * counted apart) and older than {@code maxAge}. Never the pipeline's restore point, never a
   * savepoint any run started from. Checkpoint entries are not concerned: they are bounded per run
   * when written.
   */
  Future<List<Expired>> expired(int keep, Duration maxAge, int limit) {
    return pool.preparedQuery(
            "select s.id, s.pipeline_id, s.path, s.state, r.cluster_id from ("
                + "select *, row_number() over (partition by pipeline_id, state order by id desc) as rank "
                + "from savepoint where kind = 'savepoint') s "
                + "join pipeline p on p.id = s.pipeline_id left join pipeline_run r on r.id = s.run_id "
                + "where s.rank > $1 and s.created_at < now() - $2 * interval '1 millisecond' "
                + "and (s.path is null or ("
                + bare("s.path")
                + " is distinct from "
                + bare("p.restore_point")
                + " and not exists (select 1 from pipeline_run x where "
                + bare("x.from_savepoint")
                + " = "
                + bare("s.path")
                + "))) order by s.id limit $3")
        .execute(Tuple.of(keep, maxAge.toMillis(), limit))
        .map(rows -> Rows.all(rows, SavepointStore::expired));
  }

  /**
   * Forgets a ledger entry, unless it became the restore point or a run's start point meanwhile.
   */
  Future<Boolean> forget(long id) {
    return pool.preparedQuery(
            "delete from savepoint s using pipeline p where s.id = $1 and p.id = s.pipeline_id "
                + "and (s.path is null or ("
                + bare("s.path")
                + " is distinct from "
                + bare("p.restore_point")
                + " and not exists (select 1 from pipeline_run x where "
                + bare("x.from_savepoint")
                + " = "
                + bare("s.path")
                + ")))")
        .execute(Tuple.of(id))
        .map(rows -> rows.rowCount() == 1);
  }

  /** A savepoint path as written with or without the {@code file:} scheme names the same place. */
  private static String bare(String column) {
    return "regexp_replace(" + column + ", '^file:(//)?', '')";
  }

  private static Expired expired(Row r) {
    return new Expired(
        r.getLong("id"),
        r.getLong("pipeline_id"),
        r.getString("path"),
        r.getString("state"),
        r.getLong("cluster_id"));
  }
}
