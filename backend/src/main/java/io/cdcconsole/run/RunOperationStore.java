package io.cdcconsole.run;

import io.cdcconsole.store.Rows;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Savepoints and stops of runs ({@code run_operation}) and the claims of the consoles that follow
 * them. An operation is written claimed by the console that begins it; whoever follows it renews
 * its lease while it does, and every result it writes is fenced: written only while its claim
 * (holder and fencing value) still stands, so a console that lost the claim cannot write over its
 * successor.
 */
final class RunOperationStore {
  private static final String[] COLUMNS = {
    "id",
    "run_id",
    "kind",
    "trigger_id",
    "status",
    "started_at",
    "target_directory",
    "drain",
    "periodic",
    "attempt",
    "location",
    "error",
    "finished_at",
    "claimed_by",
    "lease_until",
    "fencing"
  };

  /** The lease of a new or taken claim, from the database's clock. */
  private static final String LEASE = "now() + $%d * interval '1 millisecond'";

  private final RunStore runs;

  RunOperationStore(RunStore runs) {
    this.runs = runs;
  }

  /** The operation's columns as {@code alias.column as prefixcolumn}, for a join. */
  static String columns(String alias, String prefix) {
    return Stream.of(COLUMNS)
        .map(c -> alias + "." + c + " as " + prefix + c)
        .collect(Collectors.joining(", "));
  }

  /** The operation in a row (its columns named with {@code prefix}); empty for none. */
  static Optional<RunOperation> map(Row r, String prefix) {
    Long id = r.getLong(prefix + "id");
    if (id == null) {
      return Optional.empty();
    }
    return Optional.of(
        new RunOperation(
            id,
            r.getLong(prefix + "run_id"),
            r.getString(prefix + "kind"),
            r.getString(prefix + "trigger_id"),
            r.getString(prefix + "status"),
            Rows.instant(r, prefix + "started_at"),
            Optional.ofNullable(r.getString(prefix + "target_directory")),
            r.getBoolean(prefix + "drain"),
            r.getBoolean(prefix + "periodic"),
            r.getInteger(prefix + "attempt"),
            r.getString(prefix + "location"),
            r.getString(prefix + "error"),
            Rows.instant(r, prefix + "finished_at"),
            new Claim(
                r.getString(prefix + "claimed_by"),
                Rows.instant(r, prefix + "lease_until"),
                r.getLong(prefix + "fencing"))));
  }

  private static Optional<RunOperation> first(RowSet<Row> rows) {
    return Rows.first(rows, r -> map(r, "").orElseThrow());
  }

  private static final String INSERT =
      "insert into run_operation (run_id, kind, trigger_id, status, started_at, target_directory, drain, "
          + "periodic, claimed_by, lease_until, fencing) ";

  private static Tuple insertArgs(long runId, RunOperation op, String holder, Duration lease) {
    return Tuple.from(
        new Object[] {
          runId,
          op.kind(),
          op.triggerId(),
          Rows.timestamp(op.startedAt()),
          op.targetDirectory().orElse(null),
          op.drain(),
          op.periodic(),
          holder,
          lease.toMillis()
        });
  }

  /**
   * Records a new operation, claimed by {@code holder}, unless one of the run is in progress (the
   * database allows one at a time); answers it as stored, or empty when another is under way.
   */
  Future<Optional<RunOperation>> begin(long runId, RunOperation op, String holder, Duration lease) {
    return runs.bump(
        runs.pool()
            .preparedQuery(
                INSERT
                    + "values ($1, $2, $3, 'IN_PROGRESS', $4, $5, $6, $7, $8, "
                    + String.format(LEASE, 9)
                    + ", 1) on conflict (run_id) where status = 'IN_PROGRESS' do nothing returning *")
            .execute(insertArgs(runId, op, holder, lease))
            .map(RunOperationStore::first));
  }

  /**
   * A periodic savepoint: recorded (claimed by {@code holder}) only when the run is RUNNING, its
   * turn has come and no savepoint or stop is under way; its turn moves on by one interval in the
   * same statement. Never two in flight for one run, even from two timers on two consoles.
   */
  Future<Optional<RunOperation>> beginPeriodic(
      long runId, RunOperation op, String holder, Duration lease) {
    return runs.bump(
        runs.pool()
            .preparedQuery(
                "with turn as (update pipeline_run r set updated_at = now(), next_savepoint_at = now() + "
                    + SavepointStore.INTERVAL
                    + " * interval '1 millisecond' "
                    + "from pipeline p, flink_cluster c where r.id = $1 and p.id = r.pipeline_id "
                    + "and c.id = r.cluster_id and r.state = 'RUNNING' and r.next_savepoint_at <= now() and "
                    + SavepointStore.INTERVAL
                    + " > 0 and not exists (select 1 from run_operation o where o.run_id = r.id "
                    + "and o.status = 'IN_PROGRESS') returning r.id) "
                    + INSERT
                    + "select turn.id, $2::text, $3::text, 'IN_PROGRESS', $4::timestamptz, $5::text, $6::boolean, "
                    + "$7::boolean, $8::text, "
                    + String.format(LEASE, 9)
                    + ", 1 from turn on conflict (run_id) where status = 'IN_PROGRESS' do nothing returning *")
            .execute(insertArgs(runId, op, holder, lease))
            .map(RunOperationStore::first));
  }

  /**
   * Claims operations in progress that nobody follows (never claimed, or the follower's lease ran
   * out), at most {@code limit}, for {@code holder}: each claim bumps the fencing value. Rows
   * another console is claiming right now are skipped, not waited for.
   */
  Future<List<RunOperation>> claimOrphans(String holder, Duration lease, int limit) {
    return runs.pool()
        .preparedQuery(
            "update run_operation set claimed_by = $1, lease_until = "
                + String.format(LEASE, 2)
                + ", fencing = fencing + 1 where id in (select id from run_operation "
                + "where status = 'IN_PROGRESS' and (claimed_by is null or lease_until < now()) "
                + "order by id limit $3 for update skip locked) returning *")
        .execute(Tuple.of(holder, lease.toMillis(), limit))
        .map(rows -> Rows.all(rows, r -> map(r, "").orElseThrow()));
  }

  /**
   * Extends the follower's lease and answers the operation as stored; empty when it is no longer
   * the follower's (another console claimed it) or no longer in progress.
   */
  Future<Optional<RunOperation>> renew(long id, Claim.Fence fence, Duration lease) {
    return runs.pool()
        .preparedQuery(
            "update run_operation set lease_until = "
                + String.format(LEASE, 4)
                + " where id = $1 and claimed_by = $2 and fencing = $3 and status = 'IN_PROGRESS' returning *")
        .execute(Tuple.of(id, fence.holder(), fence.fencing(), lease.toMillis()))
        .map(RunOperationStore::first);
  }

  /**
   * The operation wrote its savepoint: COMPLETED, and the savepoint in the pipeline's ledger (its
   * restore point), together and only while {@code fence} holds the claim. False when it did not:
   * the savepoint is then the successor's to record, once.
   */
  Future<Boolean> completed(
      RunOperation op, Claim.Fence fence, long pipelineId, long runId, String location) {
    return runs.bump(
        runs.pool()
            .withTransaction(
                conn ->
                    conn.preparedQuery(
                            "update run_operation set status = 'COMPLETED', location = $4, error = null, "
                                + "finished_at = now(), claimed_by = null, lease_until = null "
                                + "where id = $1 and claimed_by = $2 and fencing = $3 and status = 'IN_PROGRESS'")
                        .execute(Tuple.of(op.id(), fence.holder(), fence.fencing(), location))
                        .compose(
                            rows ->
                                rows.rowCount() == 0
                                    ? Future.succeededFuture(false)
                                    : RunStore.recordSavepoint(
                                            conn,
                                            pipelineId,
                                            runId,
                                            "savepoint",
                                            op.source(),
                                            location)
                                        .map(true))));
  }

  /**
   * The operation failed (or was given up) with {@code why}: FAILED, and a FAILED entry in the
   * ledger, together and only while {@code fence} holds the claim.
   */
  Future<Boolean> failed(
      RunOperation op, Claim.Fence fence, long pipelineId, long runId, String why) {
    return runs.bump(
        runs.pool()
            .withTransaction(
                conn ->
                    conn.preparedQuery(
                            "update run_operation set status = 'FAILED', error = $4, "
                                + "finished_at = coalesce(finished_at, now()), claimed_by = null, lease_until = null "
                                + "where id = $1 and claimed_by = $2 and fencing = $3 and status = 'IN_PROGRESS'")
                        .execute(Tuple.of(op.id(), fence.holder(), fence.fencing(), why))
                        .compose(
                            rows ->
                                rows.rowCount() == 0
                                    ? Future.succeededFuture(false)
                                    : RunStore.recordFailedSavepoint(
                                            conn,
                                            pipelineId,
                                            runId,
                                            op.source(),
                                            op.triggerId(),
                                            why)
                                        .map(true))));
  }

  /**
   * A refused stop sent again: the next attempt under a new trigger id (Flink keeps the refused one
   * under the old id), with a note of why; only while {@code fence} holds the claim.
   */
  Future<Optional<RunOperation>> retrigger(
      RunOperation op, Claim.Fence fence, String triggerId, String note) {
    return runs.bump(
        runs.pool()
            .preparedQuery(
                "update run_operation set trigger_id = $4, attempt = attempt + 1, error = $5 "
                    + "where id = $1 and claimed_by = $2 and fencing = $3 and status = 'IN_PROGRESS' returning *")
            .execute(Tuple.of(op.id(), fence.holder(), fence.fencing(), triggerId, note))
            .map(RunOperationStore::first));
  }

  /**
   * Every claim of {@code holder} given up: the console is stopping, another may follow at once.
   */
  Future<Integer> release(String holder) {
    return runs.pool()
        .preparedQuery(
            "update run_operation set claimed_by = null, lease_until = null "
                + "where claimed_by = $1 and status = 'IN_PROGRESS'")
        .execute(Tuple.of(holder))
        .map(RowSet::rowCount);
  }
}
