package io.cdcconsole.health;

import io.cdcconsole.cluster.ClusterLease;
import io.cdcconsole.store.Rows;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The health history of runs ({@code run_metric}) and each run's latest sample with its verdict
 * ({@code run_health}).
 */
public final class HealthStore {
  /** Points older than this are thinned to one per {@link #THIN_BUCKET}. */
  static final Duration THIN_AFTER = Duration.ofDays(1);

  static final Duration THIN_BUCKET = Duration.ofMinutes(10);

  /** A RUNNING job to measure: what the sampler needs of its run. */
  public record Watched(
      long runId, long pipelineId, String pipeline, long clusterId, String jobId, int restarts) {}

  /** A run's latest sample and verdict. */
  public record Current(long runId, Instant at, HealthVerdict verdict, HealthSample sample) {
    public JsonObject toJson() {
      return verdict
          .toJson()
          .put("at", at)
          .put("lagMs", sample.lagMs())
          .put("metrics", sample.toJson());
    }
  }

  private final Pool pool;

  public HealthStore(Pool pool) {
    this.pool = pool;
  }

  /** Every RUNNING run whose cluster answers (a stale one has nothing to measure). */
  Future<List<Watched>> running() {
    return pool.query(
            "select r.id, r.pipeline_id, p.name, r.cluster_id, r.job_id, r.restarts from pipeline_run r "
                + "join pipeline p on p.id = r.pipeline_id where r.state = 'RUNNING' and not r.stale order by r.id")
        .execute()
        .map(
            rows -> {
              List<Watched> list = new ArrayList<>();
              rows.forEach(
                  r ->
                      list.add(
                          new Watched(
                              r.getLong("id"),
                              r.getLong("pipeline_id"),
                              r.getString("name"),
                              r.getLong("cluster_id"),
                              r.getString("job_id"),
                              r.getInteger("restarts"))));
              return list;
            });
  }

  /**
   * Adds a point to the run's history and makes it the run's current one, in one statement, while
   * {@code lease} is still its cluster's (a sampler that lost it writes nothing).
   */
  Future<Void> record(long runId, ClusterLease lease, HealthSample sample, HealthVerdict verdict) {
    String leased =
        ClusterLease.guard("(select r.cluster_id from pipeline_run r where r.id = $1)", 6);
    return pool.preparedQuery(
            "with point as (insert into run_metric (run_id, at, sample) select $1::bigint, $2::timestamptz, $3::jsonb where "
                + leased
                + ") insert into run_health (run_id, at, status, reason, sample) "
                + "select $1::bigint, $2::timestamptz, $4::text, $5::text, $3::jsonb where "
                + leased
                + " "
                + "on conflict (run_id) do update set at = excluded.at, status = excluded.status, "
                + "reason = excluded.reason, sample = excluded.sample")
        .execute(
            Tuple.of(
                runId,
                Rows.timestamp(sample.at()),
                sample.toCompactJson(),
                verdict.status().name(),
                verdict.reason(),
                lease.holder(),
                lease.fencing()))
        .mapEmpty();
  }

  public Future<Optional<Current>> current(long runId) {
    return pool.preparedQuery("select * from run_health where run_id = $1")
        .execute(Tuple.of(runId))
        .map(rows -> Rows.first(rows, HealthStore::current));
  }

  /**
   * The run's points since a time, oldest first, at most {@code limit} (the newest ones when there
   * are more).
   */
  public Future<List<HealthSample>> history(long runId, Instant since, int limit) {
    return pool.preparedQuery(
            "select sample from (select sample, at from run_metric where run_id = $1 and at >= $2 "
                + "order by at desc limit $3) newest order by at")
        .execute(Tuple.of(runId, Rows.timestamp(since), limit))
        .map(
            rows -> {
              List<HealthSample> list = new ArrayList<>();
              rows.forEach(r -> list.add(HealthSample.fromJson(Rows.json(r, "sample"))));
              return list;
            });
  }

  /**
   * Forgets points older than {@code keep} and thins those older than a day to the first of every
   * 10 minutes; answers how many went.
   */
  Future<Integer> prune(Instant now, Duration keep) {
    Instant thinBefore = now.minus(THIN_AFTER);
    long bucket = THIN_BUCKET.toSeconds();
    return pool.preparedQuery("delete from run_metric where at < $1")
        .execute(Tuple.of(Rows.timestamp(now.minus(keep))))
        .compose(
            gone ->
                pool.preparedQuery(
                        "delete from run_metric m where m.at < $1 and m.id not in "
                            + "(select min(id) from run_metric where at < $1 "
                            + "group by run_id, floor(extract(epoch from at) / $2))")
                    .execute(Tuple.of(Rows.timestamp(thinBefore), bucket))
                    .map(thinned -> gone.rowCount() + thinned.rowCount()));
  }

  private static Current current(Row r) {
    HealthSample sample = HealthSample.fromJson(Rows.json(r, "sample"));
    return new Current(
        r.getLong("run_id"),
        Rows.instant(r, "at"),
        new HealthVerdict(HealthStatus.valueOf(r.getString("status")), r.getString("reason")),
        sample);
  }
}
