package io.cdcconsole.run;

import io.cdcconsole.cluster.ClusterLease;
import io.cdcconsole.error.Conflict;
import io.cdcconsole.pipeline.PipelineSummary;
import io.cdcconsole.store.Page;
import io.cdcconsole.store.PageRequest;
import io.cdcconsole.store.Rows;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Optional;

/**
 * Runs, their transitions and the savepoint ledger. Every state change is written with its
 * transition, together.
 */
public final class RunStore {
  public static final String ACTIVE =
      "r.state not in ('FAILED_TO_SUBMIT', 'FINISHED', 'CANCELED', 'STOPPED', 'FAILED', 'LOST')";

  /**
   * When the run's job was last seen: for an active run its cluster's last successful look (one row
   * per cluster, {@code cluster_watch}) once the run existed; for an ended run the time stored when
   * it ended.
   */
  public static final String SEEN_AT =
      "coalesce(case when "
          + ACTIVE
          + " and cw.last_seen_at >= r.created_at "
          + "then cw.last_seen_at end, r.last_seen_at)";

  /** A run with its latest savepoint or stop (columns {@code op_*}), read in the same statement. */
  private static final String SELECT =
      "select r.*, "
          + SEEN_AT
          + " as seen_at, p.name as pipeline_name, "
          + RunOperationStore.columns("o", "op_")
          + " from pipeline_run r join pipeline p on p.id = r.pipeline_id "
          + "left join cluster_watch cw on cw.cluster_id = r.cluster_id "
          + "left join lateral (select * from run_operation x where x.run_id = r.id "
          + "order by x.id desc limit 1) o on true ";

  /**
   * Checkpoint entries of the ledger kept per run: the newest ones (older checkpoints are gone from
   * Flink anyway).
   */
  static final int CHECKPOINTS_KEPT = 5;

  /** A new run as the caller asked for it. */
  public record NewRun(
      long pipelineId,
      int pipelineVersion,
      long clusterId,
      String jobId,
      String fromSavepoint,
      boolean allowNonRestoredState,
      JsonObject flinkConfig,
      String idempotencyKey,
      String createdBy) {}

  /** A run as a state change left it, with the stored transition that recorded the change. */
  public record Moved(Run run, RunTransition transition) {}

  private static final String TRANSITIONS =
      "select t.*, r.pipeline_id, r.job_id, r.stale, p.name as pipeline_name "
          + "from run_transition t join pipeline_run r on r.id = t.run_id join pipeline p on p.id = r.pipeline_id ";

  private final Pool pool;
  // bumped by every write that changes what the watcher keeps of an active run, except its own
  // per-poll writes
  private final java.util.concurrent.atomic.AtomicLong generation =
      new java.util.concurrent.atomic.AtomicLong();

  public RunStore(Pool pool) {
    this.pool = pool;
  }

  Pool pool() {
    return pool;
  }

  /**
   * Changes with every write to an active run other than the watcher's own looks and checkpoints:
   * the watcher reloads its copy of the active runs when it differs from the one it loaded at.
   */
  long generation() {
    return generation.get();
  }

  /**
   * A statement that changed no row changes no run: the reconciler's pass claims no submission
   * nearly always, and bumping for it made every cluster's copy be read again at every poll (at 10
   * 000 runs, 2 000 rows a second with nothing happening).
   */
  <T> Future<T> bump(Future<T> write) {
    return write.andThen(
        ar -> {
          if (ar.failed() || !(ar.result() instanceof SqlResult<?> done) || done.rowCount() > 0) {
            generation.incrementAndGet();
          }
        });
  }

  /**
   * Writes the run as SUBMITTING before anything is sent to Flink; a second active run of the
   * pipeline is refused.
   */
  public Future<Moved> insertSubmitting(NewRun n, String holder, java.time.Duration lease) {
    return insert(
        n, RunState.SUBMITTING, "console", "started by " + n.createdBy(), holder, lease.toMillis());
  }

  /**
   * Takes over a job the console did not start (an orphan): tracked from here on like any other
   * run.
   */
  public Future<Moved> insertAdopted(NewRun n) {
    return insert(n, RunState.INITIALIZING, "adopt", "adopted by " + n.createdBy(), null, 0);
  }

  /**
   * A run inserted SUBMITTING is claimed by {@code holder} from the start (fencing 1): no other
   * console's reconciler takes its submission while the one that wrote it submits.
   */
  private Future<Moved> insert(
      NewRun n, RunState state, String source, String detail, String holder, long leaseMillis) {
    return bump(pool.withTransaction(
            conn ->
                conn.preparedQuery(
                        "insert into pipeline_run (pipeline_id, pipeline_version, "
                            + "cluster_id, job_id, state, from_savepoint, allow_non_restored, flink_config, idempotency_key, created_by, "
                            + "claimed_by, lease_until, fencing) "
                            + "values ($1, $2, $3, $4, $10, $5, $6, $7, $8, $9, $11, "
                            + "case when $11::text is null then null else now() + $12 * interval '1 millisecond' end, "
                            + "case when $11::text is null then 0 else 1 end) returning id")
                    .execute(
                        Tuple.from(
                            new Object[] {
                              n.pipelineId(),
                              n.pipelineVersion(),
                              n.clusterId(),
                              n.jobId(),
                              n.fromSavepoint(),
                              n.allowNonRestoredState(),
                              n.flinkConfig(),
                              n.idempotencyKey(),
                              n.createdBy(),
                              state.name(),
                              holder,
                              leaseMillis
                            }))
                    .compose(
                        rows -> {
                          long id = rows.iterator().next().getLong("id");
                          return conn.preparedQuery(
                                  "insert into run_transition (run_id, from_state, to_state, source, detail) "
                                      + "values ($1, null, $2, $3, $4) returning id, at")
                              .execute(Tuple.of(id, state.name(), source, detail))
                              .map(t -> new Recorded(id, t.iterator().next()));
                        })))
        .compose(
            recorded ->
                find(recorded.runId())
                    .map(run -> recorded.moved(run.orElseThrow(), null, source, detail)))
        .recover(
            err ->
                err instanceof PgException pg && "23505".equals(pg.getSqlState())
                    ? Future.failedFuture(
                        new Conflict(
                            "The pipeline has an active run already; stop or cancel it first."))
                    : Future.failedFuture(err));
  }

  /**
   * Moves the run to {@code to} if it is still in {@code from} (so concurrent observers cannot both
   * move it) and records the transition; answers the run as it is afterwards, or empty if it had
   * moved on.
   */
  public Future<Optional<Moved>> transition(
      long id, RunState from, RunState to, String source, String detail, String flinkState) {
    return transition(id, from, to, source, detail, flinkState, null, null, null);
  }

  /**
   * As {@link #transition(long, RunState, RunState, String, String, String)}, written only while
   * {@code fence} still holds the run's submission claim and {@code watch} the lease of its cluster
   * (null: whoever), with {@code lastError} (null: kept) in the same statement. A run that leaves
   * SUBMITTING leaves its claim.
   */
  Future<Optional<Moved>> transition(
      long id,
      RunState from,
      RunState to,
      String source,
      String detail,
      String flinkState,
      Claim.Fence fence,
      ClusterLease watch,
      String lastError) {
    // an ending run keeps, as its own last-seen time, its cluster's last look
    return bump(pool.withTransaction(
            conn ->
                conn.preparedQuery(
                        "update pipeline_run r set state = $3, flink_state = coalesce($4, flink_state), "
                            + "updated_at = now(), started_at = case when $3 in ('RUNNING') and started_at is null then now() else started_at end, "
                            + "ended_at = case when $5 then now() else ended_at end, missing_since = null, "
                            + "last_error = coalesce($8, last_error), "
                            + "claimed_by = case when $3 = 'SUBMITTING' then claimed_by end, "
                            + "lease_until = case when $3 = 'SUBMITTING' then lease_until end, "
                            + "last_seen_at = case when $5 then greatest(r.last_seen_at, (select cw.last_seen_at from cluster_watch cw "
                            + "where cw.cluster_id = r.cluster_id and cw.last_seen_at >= r.created_at)) else r.last_seen_at end "
                            + "where id = $1 and state = $2 "
                            + "and ($6::text is null or (claimed_by = $6 and fencing = $7)) "
                            + "and ($9::text is null or "
                            + ClusterLease.guard("r.cluster_id", 9)
                            + ") returning id")
                    .execute(
                        Tuple.from(
                            new Object[] {
                              id,
                              from.name(),
                              to.name(),
                              flinkState,
                              to.terminal(),
                              fence == null ? null : fence.holder(),
                              fence == null ? 0L : fence.fencing(),
                              lastError,
                              watch == null ? null : watch.holder(),
                              watch == null ? 0L : watch.fencing()
                            }))
                    .compose(
                        rows ->
                            rows.rowCount() == 0
                                ? Future.succeededFuture(Optional.<Recorded>empty())
                                : conn.preparedQuery(
                                        "insert into run_transition (run_id, from_state, to_state, source, detail) "
                                            + "values ($1, $2, $3, $4, $5) returning id, at")
                                    .execute(Tuple.of(id, from.name(), to.name(), source, detail))
                                    .map(t -> Optional.of(new Recorded(id, t.iterator().next()))))))
        .compose(
            recorded ->
                recorded.isEmpty()
                    ? Future.succeededFuture(Optional.<Moved>empty())
                    : find(id)
                        .map(
                            run ->
                                Optional.of(
                                    recorded
                                        .get()
                                        .moved(run.orElseThrow(), from, source, detail))));
  }

  /** The id and time of a transition row just written, for the run it belongs to. */
  private record Recorded(long runId, long transitionId, java.time.Instant at) {
    Recorded(long runId, Row row) {
      this(runId, row.getLong("id"), Rows.instant(row, "at"));
    }

    Moved moved(Run run, RunState from, String source, String detail) {
      return new Moved(
          run,
          new RunTransition(
              transitionId,
              run.id(),
              run.pipelineId(),
              run.pipelineName(),
              run.jobId(),
              from == null ? null : from.name(),
              run.state().name(),
              at,
              source,
              detail,
              run.stale()));
    }
  }

  /** What one look at a cluster found out about a run whose stored view it changes. */
  record Seen(long runId, String flinkState, boolean missing) {}

  /**
   * A run a look changed: whether it had been stale, and since when its job has been missing (null:
   * it is listed).
   */
  record Looked(
      long runId,
      long pipelineId,
      String pipeline,
      boolean wasStale,
      java.time.Instant missingSince) {}

  /** What one look at a cluster wrote: its time, and the runs whose stored view changed. */
  record Look(java.time.Instant at, List<Looked> changed) {}

  /**
   * Records a successful look at a cluster in one statement: the cluster's last-seen time (from
   * which its active runs' lastSeenAt derives) and, only for the runs in {@code changes}, their
   * Flink state, stale flag (cleared) and since when their job is missing. A look in which nothing
   * changed writes the cluster's row only. Written only under the cluster's current {@code lease}:
   * a look whose lease is gone writes nothing and answers a time of null.
   */
  public Future<Look> looked(long clusterId, ClusterLease lease, List<Seen> changes) {
    if (changes.isEmpty()) {
      return lookedOnly(clusterId, lease);
    }
    Long[] ids = changes.stream().map(Seen::runId).toArray(Long[]::new);
    String[] states = changes.stream().map(Seen::flinkState).toArray(String[]::new);
    Boolean[] missing = changes.stream().map(Seen::missing).toArray(Boolean[]::new);
    // the old stale flag comes from a locked read in the same statement: RETURNING only sees the
    // new row
    return pool.preparedQuery(
            "with look as (insert into cluster_watch (cluster_id, last_seen_at) select $1::bigint, now() where "
                + ClusterLease.guard("$1", 5)
                + " on conflict (cluster_id) do update set last_seen_at = excluded.last_seen_at returning last_seen_at), "
                + "old as (select id, stale as was_stale from pipeline_run where id = any($2) for update), "
                + "changed as (update pipeline_run r set flink_state = coalesce(c.flink_state, r.flink_state), stale = false, "
                + "missing_since = case when c.missing then coalesce(r.missing_since, now()) end "
                + "from unnest($2::bigint[], $3::text[], $4::boolean[]) as c(id, flink_state, missing), old o, pipeline p, look "
                + "where r.id = c.id and o.id = r.id and p.id = r.pipeline_id "
                + "returning r.id, r.pipeline_id, p.name, o.was_stale, r.missing_since) "
                + "select l.last_seen_at, c.* from look l left join changed c on true")
        .execute(Tuple.of(clusterId, ids, states, missing, lease.holder(), lease.fencing()))
        .map(
            rows -> {
              java.time.Instant at = null;
              List<Looked> changed = new java.util.ArrayList<>();
              for (Row r : rows) {
                at = Rows.instant(r, "last_seen_at");
                if (r.getLong("id") != null) {
                  changed.add(
                      new Looked(
                          r.getLong("id"),
                          r.getLong("pipeline_id"),
                          r.getString("name"),
                          r.getBoolean("was_stale"),
                          Rows.instant(r, "missing_since")));
                }
              }
              return new Look(at, changed);
            });
  }

  /**
   * The look of a poll in which no run changed, nearly every poll: the statement with the runs'
   * arrays and joins was planned anew at every call (custom plans for its array parameters), 15 ms
   * of planning a second at 100 clusters, five times its execution (docs/benchmarks.md, "the look
   * planned at every poll"); this one keeps a generic plan.
   */
  private Future<Look> lookedOnly(long clusterId, ClusterLease lease) {
    return pool.preparedQuery(
            "insert into cluster_watch (cluster_id, last_seen_at) select $1::bigint, now() where "
                + ClusterLease.guard("$1", 2)
                + " on conflict (cluster_id) do update set last_seen_at = excluded.last_seen_at returning last_seen_at")
        .execute(Tuple.of(clusterId, lease.holder(), lease.fencing()))
        .map(
            rows ->
                new Look(
                    rows.size() == 0 ? null : Rows.instant(rows.iterator().next(), "last_seen_at"),
                    List.of()));
  }

  /**
   * Marks the active runs of a cluster stale (it does not answer) or fresh again, under the
   * cluster's current {@code lease}; answers the runs that changed.
   */
  public Future<List<RunStale>> markStale(long clusterId, ClusterLease lease, boolean stale) {
    return pool.preparedQuery(
            "update pipeline_run r set stale = $2 from pipeline p where p.id = r.pipeline_id "
                + "and r.cluster_id = $1 and "
                + ACTIVE
                + " and r.stale <> $2 and "
                + ClusterLease.guard("$1", 3)
                + " returning r.id, r.pipeline_id, p.name, r.stale, now() as at")
        .execute(Tuple.of(clusterId, stale, lease.holder(), lease.fencing()))
        .map(rows -> Rows.all(rows, RunStore::mapStale));
  }

  private static RunStale mapStale(Row r) {
    return new RunStale(
        r.getLong("id"),
        r.getLong("pipeline_id"),
        r.getString("name"),
        r.getBoolean("stale"),
        Rows.instant(r, "at"));
  }

  /**
   * The transitions after {@code afterId}, oldest first, at most {@code limit} of them: the newest
   * ones when more are stored (the caller tells its client that older ones were left out).
   */
  public Future<List<RunTransition>> after(long afterId, int limit) {
    return pool.preparedQuery(
            "select * from ("
                + TRANSITIONS
                + "where t.id > $1 order by t.id desc limit $2) newest "
                + "order by id")
        .execute(Tuple.of(afterId, limit))
        .map(rows -> Rows.all(rows, RunStore::mapTransition));
  }

  /** Recent transitions across all runs (optionally of one pipeline), newest first. */
  public Future<Page<RunTransition>> recentTransitions(
      Optional<Long> pipelineId, PageRequest page) {
    String where = pipelineId.isPresent() ? "where r.pipeline_id = $1 " : "";
    Tuple filter = pipelineId.map(Tuple::of).orElseGet(Tuple::tuple);
    Future<Long> total =
        pool.preparedQuery(
                "select count(*) from run_transition t join pipeline_run r on r.id = t.run_id "
                    + where)
            .execute(filter)
            .map(rows -> rows.iterator().next().getLong(0));
    int n = pipelineId.isPresent() ? 1 : 0;
    Tuple args =
        pipelineId
            .map(Tuple::of)
            .orElseGet(Tuple::tuple)
            .addInteger(page.limit())
            .addInteger(page.offset());
    Future<List<RunTransition>> items =
        pool.preparedQuery(
                TRANSITIONS
                    + where
                    + "order by t.id desc limit $"
                    + (n + 1)
                    + " offset $"
                    + (n + 2))
            .execute(args)
            .map(rows -> Rows.all(rows, RunStore::mapTransition));
    return Future.all(total, items)
        .map(done -> new Page<>(items.result(), total.result(), page.limit(), page.offset()));
  }

  private static RunTransition mapTransition(Row r) {
    return new RunTransition(
        r.getLong("id"),
        r.getLong("run_id"),
        r.getLong("pipeline_id"),
        r.getString("pipeline_name"),
        r.getString("job_id"),
        r.getString("from_state"),
        r.getString("to_state"),
        Rows.instant(r, "at"),
        r.getString("source"),
        r.getString("detail"),
        r.getBoolean("stale"));
  }

  /** The DolphinScheduler task and workflow instance a run was started for. */
  public Future<Void> dsIds(long id, String taskInstanceId, String workflowInstanceId) {
    // the first DS task instance that started it stays; every later call is in the audit trail
    return bump(pool.preparedQuery(
                "update pipeline_run set ds_task_instance_id = coalesce(ds_task_instance_id, $2), "
                    + "ds_workflow_instance_id = coalesce(ds_workflow_instance_id, $3) where id = $1")
            .execute(Tuple.of(id, taskInstanceId, workflowInstanceId)))
        .mapEmpty();
  }

  public Future<Void> error(long id, String lastError) {
    return bump(pool.preparedQuery(
                "update pipeline_run set last_error = $2, updated_at = now() where id = $1")
            .execute(Tuple.of(id, lastError)))
        .mapEmpty();
  }

  /** The run's last error, as the watcher of its cluster found it under {@code lease}. */
  public Future<Void> error(long id, ClusterLease lease, String lastError) {
    return bump(pool.preparedQuery(
                "update pipeline_run r set last_error = $2, updated_at = now() where id = $1 and "
                    + ClusterLease.guard("r.cluster_id", 3))
            .execute(Tuple.of(id, lastError, lease.holder(), lease.fencing())))
        .mapEmpty();
  }

  /** The run's restart count, as the watcher of its cluster found it under {@code lease}. */
  public Future<Void> restarts(long id, ClusterLease lease, int restarts) {
    return bump(pool.preparedQuery(
                "update pipeline_run r set restarts = $2 where id = $1 and "
                    + ClusterLease.guard("r.cluster_id", 3))
            .execute(Tuple.of(id, restarts, lease.holder(), lease.fencing())))
        .mapEmpty();
  }

  /**
   * The run's latest completed checkpoint (the watcher keeps its own copy up to date: no reload for
   * this), kept in its jsonb column in the shape the API shows. Written only over an older one (a
   * lower checkpoint id): a console that read Flink earlier and writes later — paused, or no longer
   * the cluster's watcher — cannot move it back. Answers whether it was written.
   */
  public Future<Boolean> checkpoint(long id, Run.Checkpoint checkpoint) {
    return pool.preparedQuery(
            "update pipeline_run set last_checkpoint = $2 where id = $1 and (last_checkpoint is null "
                + "or ($3::bigint is not null and coalesce((last_checkpoint->>'id')::bigint, -1) < $3))")
        .execute(Tuple.of(id, checkpoint.toJson(), checkpoint.id()))
        .map(rows -> rows.rowCount() == 1);
  }

  /**
   * Claims the submissions of SUBMITTING runs nobody holds (never claimed, or the holder's lease
   * ran out), at most {@code limit}, for {@code holder}; answers the runs claimed. Runs another
   * console is claiming right now are skipped, not waited for.
   */
  Future<List<Long>> claimSubmissions(String holder, java.time.Duration lease, int limit) {
    return bump(pool.preparedQuery(
                "update pipeline_run set claimed_by = $1, lease_until = now() + $2 * interval '1 millisecond', "
                    + "fencing = fencing + 1 where id in (select id from pipeline_run where state = 'SUBMITTING' "
                    + "and (claimed_by is null or lease_until < now()) order by id limit $3 "
                    + "for update skip locked) returning id")
            .execute(Tuple.of(holder, lease.toMillis(), limit)))
        .map(rows -> Rows.all(rows, r -> r.getLong("id")));
  }

  /** Extends the holder's lease on a submission; false when the claim is no longer its own. */
  Future<Boolean> renewSubmission(long id, Claim.Fence fence, java.time.Duration lease) {
    return pool.preparedQuery(
            "update pipeline_run set lease_until = now() + $4 * interval '1 millisecond' "
                + "where id = $1 and state = 'SUBMITTING' and claimed_by = $2 and fencing = $3")
        .execute(Tuple.of(id, fence.holder(), fence.fencing(), lease.toMillis()))
        .map(rows -> rows.rowCount() == 1);
  }

  /**
   * The holder gives the submission up (the run stays SUBMITTING), with why (null: the error is
   * kept): any console's reconciler takes it up on its next pass. False when it was not the
   * holder's.
   */
  Future<Boolean> releaseSubmission(long id, Claim.Fence fence, String lastError) {
    return bump(pool.preparedQuery(
                "update pipeline_run set claimed_by = null, lease_until = null, "
                    + "last_error = coalesce($4, last_error), updated_at = now() "
                    + "where id = $1 and claimed_by = $2 and fencing = $3")
            .execute(Tuple.of(id, fence.holder(), fence.fencing(), lastError)))
        .map(rows -> rows.rowCount() == 1);
  }

  /** Every submission claim of {@code holder} given up: the console is stopping. */
  Future<Integer> releaseSubmissions(String holder) {
    return bump(pool.preparedQuery(
                "update pipeline_run set claimed_by = null, lease_until = null "
                    + "where claimed_by = $1 and state = 'SUBMITTING'")
            .execute(Tuple.of(holder)))
        .map(rows -> rows.rowCount());
  }

  public Future<Optional<Run>> find(long id) {
    return pool.preparedQuery(SELECT + "where r.id = $1")
        .execute(Tuple.of(id))
        .map(rows -> Rows.first(rows, RunStore::map));
  }

  /** Which of these JobIDs the console tracks (in any run, active or not). */
  public Future<java.util.Set<String>> knownJobIds(List<String> jobIds) {
    return pool.preparedQuery("select job_id from pipeline_run where job_id = any($1)")
        .execute(Tuple.of(jobIds.toArray(String[]::new)))
        .map(
            rows -> {
              java.util.Set<String> known = new java.util.HashSet<>();
              rows.forEach(r -> known.add(r.getString("job_id")));
              return known;
            });
  }

  public Future<Optional<Run>> findByIdempotencyKey(long pipelineId, String key) {
    return pool.preparedQuery(SELECT + "where r.pipeline_id = $1 and r.idempotency_key = $2")
        .execute(Tuple.of(pipelineId, key))
        .map(rows -> Rows.first(rows, RunStore::map));
  }

  public Future<Optional<Run>> active(long pipelineId) {
    return pool.preparedQuery(SELECT + "where r.pipeline_id = $1 and " + ACTIVE)
        .execute(Tuple.of(pipelineId))
        .map(rows -> Rows.first(rows, RunStore::map));
  }

  /** The newest run of the pipeline, active or not. */
  public Future<Optional<Run>> latest(long pipelineId) {
    return pool.preparedQuery(SELECT + "where r.pipeline_id = $1 order by r.id desc limit 1")
        .execute(Tuple.of(pipelineId))
        .map(rows -> Rows.first(rows, RunStore::map));
  }

  public Future<List<Run>> activeOnCluster(long clusterId) {
    return pool.preparedQuery(SELECT + "where r.cluster_id = $1 and " + ACTIVE + " order by r.id")
        .execute(Tuple.of(clusterId))
        .map(rows -> Rows.all(rows, RunStore::map));
  }

  /** Ids of the clusters that have active runs. */
  public Future<List<Long>> clustersWithActiveRuns() {
    return pool.query("select distinct r.cluster_id from pipeline_run r where " + ACTIVE)
        .execute()
        .map(rows -> Rows.all(rows, r -> r.getLong("cluster_id")));
  }

  public Future<Page<Run>> list(long pipelineId, PageRequest page) {
    Future<Long> total =
        pool.preparedQuery("select count(*) from pipeline_run where pipeline_id = $1")
            .execute(Tuple.of(pipelineId))
            .map(rows -> rows.iterator().next().getLong(0));
    Future<List<Run>> items =
        pool.preparedQuery(
                SELECT + "where r.pipeline_id = $1 order by r.id desc limit $2 offset $3")
            .execute(Tuple.of(pipelineId, page.limit(), page.offset()))
            .map(rows -> Rows.all(rows, RunStore::map));
    return Future.all(total, items)
        .map(done -> new Page<>(items.result(), total.result(), page.limit(), page.offset()));
  }

  /**
   * The newest run of each of the pipelines that has one, in one query (without its health: that is
   * not the run wing's).
   */
  public Future<java.util.Map<Long, PipelineSummary.CurrentRun>> current(List<Long> pipelineIds) {
    if (pipelineIds.isEmpty()) {
      return Future.succeededFuture(java.util.Map.of());
    }
    return pool.preparedQuery(
            "select distinct on (r.pipeline_id) r.pipeline_id, r.id, r.state, r.stale, r.job_id, "
                + "r.started_at from pipeline_run r where r.pipeline_id = any($1) order by r.pipeline_id, r.id desc")
        .execute(Tuple.of(pipelineIds.toArray(Long[]::new)))
        .map(
            rows -> {
              java.util.Map<Long, PipelineSummary.CurrentRun> out = new java.util.HashMap<>();
              rows.forEach(
                  r ->
                      out.put(
                          r.getLong("pipeline_id"),
                          new PipelineSummary.CurrentRun(
                              r.getLong("id"),
                              r.getString("state"),
                              r.getBoolean("stale"),
                              !RunState.valueOf(r.getString("state")).terminal(),
                              r.getString("job_id"),
                              Rows.instant(r, "started_at"),
                              null)));
              return out;
            });
  }

  /** The run's transitions, oldest first. */
  public Future<List<RunTransition>> transitions(long runId) {
    return pool.preparedQuery(TRANSITIONS + "where t.run_id = $1 order by t.id")
        .execute(Tuple.of(runId))
        .map(rows -> Rows.all(rows, RunStore::mapTransition));
  }

  /**
   * Adds a savepoint or checkpoint to the pipeline's ledger and makes it the restore point. Of a
   * run's checkpoints only the newest {@link #CHECKPOINTS_KEPT} stay in the ledger (savepoints all
   * stay).
   */
  public Future<Void> recordSavepoint(
      long pipelineId, Long runId, String kind, String source, String path) {
    return pool.withTransaction(
        conn -> recordSavepoint(conn, pipelineId, runId, kind, source, path));
  }

  /** {@link #recordSavepoint} inside the caller's transaction. */
  static Future<Void> recordSavepoint(
      io.vertx.sqlclient.SqlClient conn,
      long pipelineId,
      Long runId,
      String kind,
      String source,
      String path) {
    return conn.preparedQuery(
            "insert into savepoint (pipeline_id, run_id, kind, source, path) "
                + "values ($1, $2, $3, $4, $5) on conflict (pipeline_id, path) do nothing")
        .execute(Tuple.of(pipelineId, runId, kind, source, path))
        .compose(
            ignored ->
                conn.preparedQuery("update pipeline set restore_point = $2 where id = $1")
                    .execute(Tuple.of(pipelineId, path)))
        .compose(
            ignored ->
                !"checkpoint".equals(kind) || runId == null
                    ? Future.succeededFuture()
                    : conn.preparedQuery(
                            "delete from savepoint where run_id = $1 and kind = 'checkpoint' and path <> $2 "
                                + "and id not in (select id from savepoint where run_id = $1 and kind = 'checkpoint' "
                                + "order by id desc limit $3)")
                        .execute(Tuple.of(runId, path, CHECKPOINTS_KEPT)))
        .mapEmpty();
  }

  /**
   * A savepoint (or stop with savepoint) that failed, with its cause: it stays in the ledger
   * without a path, and the restore point is not touched. Written once per trigger id, however
   * often the failure is recorded.
   */
  public Future<Void> recordFailedSavepoint(
      long pipelineId, Long runId, String source, String triggerId, String reason) {
    return recordFailedSavepoint(pool, pipelineId, runId, source, triggerId, reason);
  }

  /** {@link #recordFailedSavepoint} through the caller's connection (or transaction). */
  static Future<Void> recordFailedSavepoint(
      io.vertx.sqlclient.SqlClient conn,
      long pipelineId,
      Long runId,
      String source,
      String triggerId,
      String reason) {
    return conn.preparedQuery(
            "insert into savepoint (pipeline_id, run_id, kind, source, state, reason, trigger_id) "
                + "values ($1, $2, 'savepoint', $3, 'FAILED', $4, $5) on conflict (pipeline_id, trigger_id) "
                + "where state = 'FAILED' do nothing")
        .execute(Tuple.of(pipelineId, runId, source, reason, triggerId))
        .mapEmpty();
  }

  /** The pipeline's ledger (or the part of it one run wrote), newest first. */
  public Future<List<SavepointEntry>> savepoints(long pipelineId, Long runId) {
    String where =
        runId == null ? "where pipeline_id = $1" : "where pipeline_id = $1 and run_id = $2";
    Tuple args = runId == null ? Tuple.of(pipelineId) : Tuple.of(pipelineId, runId);
    return pool.preparedQuery("select * from savepoint " + where + " order by id desc")
        .execute(args)
        .map(
            rows ->
                Rows.all(
                    rows,
                    r ->
                        new SavepointEntry(
                            r.getLong("id"),
                            r.getLong("run_id"),
                            r.getString("kind"),
                            r.getString("source"),
                            r.getString("path"),
                            r.getString("state"),
                            r.getString("reason"),
                            Rows.instant(r, "created_at"))));
  }

  public Future<Optional<String>> restorePoint(long pipelineId) {
    return pool.preparedQuery("select restore_point from pipeline where id = $1")
        .execute(Tuple.of(pipelineId))
        .map(rows -> Rows.first(rows, r -> r.getString("restore_point")));
  }

  /** The run's latest checkpoint as stored (a jsonb of {@link Run.Checkpoint#toJson()}). */
  private static Run.Checkpoint checkpoint(Object stored) {
    return stored instanceof JsonObject j
        ? new Run.Checkpoint(j.getLong("id"), j.getInstant("at"), j.getString("path"))
        : null;
  }

  private static Run map(Row r) {
    return new Run(
        r.getLong("id"),
        r.getLong("pipeline_id"),
        r.getString("pipeline_name"),
        r.getInteger("pipeline_version"),
        r.getLong("cluster_id"),
        r.getString("job_id"),
        RunState.valueOf(r.getString("state")),
        r.getString("flink_state"),
        r.getBoolean("stale"),
        r.getString("from_savepoint"),
        r.getBoolean("allow_non_restored"),
        Rows.json(r, "flink_config"),
        r.getString("idempotency_key"),
        r.getString("created_by"),
        Rows.instant(r, "created_at"),
        Rows.instant(r, "started_at"),
        Rows.instant(r, "ended_at"),
        Rows.instant(r, "seen_at"),
        Rows.instant(r, "missing_since"),
        r.getString("last_error"),
        r.getInteger("restarts"),
        checkpoint(r.getValue("last_checkpoint")),
        RunOperationStore.map(r, "op_").orElse(null),
        r.getString("ds_task_instance_id"),
        r.getString("ds_workflow_instance_id"),
        new Claim(r.getString("claimed_by"), Rows.instant(r, "lease_until"), r.getLong("fencing")));
  }
}
