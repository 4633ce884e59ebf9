package io.cdcconsole.run;

import io.cdcconsole.store.Rows;
import io.cdcconsole.store.Sql;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.Optional;

/**
 * Launch tickets in {@code launch_ticket}, shared by every replica: keyed by the ticket's hash,
 * content sealed ({@link TicketSeal}). Taking a ticket deletes its row in the same statement, so
 * exactly one fetch gets it, whichever replica serves it.
 */
final class LaunchTicketStore {
  /** A ticket's row as taken. */
  record Sealed(long runId, byte[] sealed, Instant expiresAt) {}

  /** Rows removed by one sweep at most: a sweep stays short whatever piled up. */
  static final int SWEEP_LIMIT = 1000;

  private final Pool pool;

  LaunchTicketStore(Pool pool) {
    this.pool = pool;
  }

  Future<Void> insert(String id, long runId, byte[] sealed, Instant expiresAt) {
    return pool.preparedQuery(
            "insert into launch_ticket (id, run_id, sealed, expires_at) values ($1, $2, $3, $4)")
        .execute(Tuple.of(id, runId, Buffer.buffer(sealed), Rows.timestamp(expiresAt)))
        .recover(Sql::fail)
        .mapEmpty();
  }

  /** Removes and answers the ticket's row, expired or not; empty when there is none (any more). */
  Future<Optional<Sealed>> take(String id) {
    return pool.preparedQuery(
            "delete from launch_ticket where id = $1 returning run_id, sealed, expires_at")
        .execute(Tuple.of(id))
        .recover(Sql::fail)
        .map(
            rows ->
                Rows.first(
                    rows,
                    r ->
                        new Sealed(
                            r.getLong("run_id"),
                            r.getBuffer("sealed").getBytes(),
                            Rows.instant(r, "expires_at"))));
  }

  Future<Void> delete(String id) {
    return pool.preparedQuery("delete from launch_ticket where id = $1")
        .execute(Tuple.of(id))
        .recover(Sql::fail)
        .mapEmpty();
  }

  /** Deletes up to {@link #SWEEP_LIMIT} tickets expired before {@code now}; answers how many. */
  Future<Integer> deleteExpired(Instant now) {
    return pool.preparedQuery(
            "delete from launch_ticket where id in "
                + "(select id from launch_ticket where expires_at < $1 limit $2)")
        .execute(Tuple.of(Rows.timestamp(now), (long) SWEEP_LIMIT))
        .recover(Sql::fail)
        .map(rows -> rows.rowCount());
  }

  /** Tickets held, expired or not, among {@code ids} (for tests of the sweep). */
  Future<Integer> held(String[] ids) {
    return pool.preparedQuery("select count(*) as n from launch_ticket where id = any($1)")
        .execute(Tuple.of(ids))
        .recover(Sql::fail)
        .map(rows -> rows.iterator().next().getLong("n").intValue());
  }
}
