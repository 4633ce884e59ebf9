package io.cdcconsole.auth;

import io.cdcconsole.store.Rows;
import io.cdcconsole.store.Sql;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Sign-in counters in {@code login_throttle}, shared by every replica. A change takes a transaction
 * advisory lock per key (in one order, so two changes cannot deadlock), reads the counters, and
 * writes what the caller computed from them: concurrent sign-ins on any replica are counted one
 * after the other. Advisory rather than row locks because a key's first attempt has no row to lock.
 */
final class LoginThrottleStore {
  /** One key's counter; {@code inFlightUntil}: until when the reservations in flight count. */
  record Counter(
      int failures,
      int inFlight,
      Instant inFlightUntil,
      Instant windowStart,
      Instant lockedUntil) {}

  /**
   * What a change writes (a key mapped to null is deleted; a key not mapped is left), and answers.
   */
  record Change<T>(Map<String, Counter> next, T answer) {}

  /** Rows removed by one purge at most. */
  static final int PURGE_LIMIT = 1000;

  /**
   * The first key of the two-key advisory locks taken here ("thro"); the second is the counter
   * key's hash. Two-key locks never meet one-key ({@code bigint}) ones.
   */
  private static final int LOCK_CLASS = 0x7468726f;

  private final Pool pool;

  LoginThrottleStore(Pool pool) {
    this.pool = pool;
  }

  /**
   * Hands the counters of {@code keys} (absent ones missing) to {@code change} while no other
   * change of these keys runs, and writes its answer.
   */
  <T> Future<T> change(List<String> keys, Function<Map<String, Counter>, Change<T>> change) {
    String[] distinct = keys.stream().distinct().toArray(String[]::new);
    // two keys of one hash share a lock, which is harmless
    int[] locks = keys.stream().mapToInt(String::hashCode).distinct().sorted().toArray();
    return pool.withTransaction(
            conn ->
                lockAll(conn, locks)
                    .compose(
                        locked ->
                            conn.preparedQuery("select * from login_throttle where key = any($1)")
                                .execute(Tuple.of(distinct)))
                    .compose(
                        rows -> {
                          Map<String, Counter> found = new HashMap<>();
                          rows.forEach(
                              r ->
                                  found.put(
                                      r.getString("key"),
                                      new Counter(
                                          r.getInteger("failures"),
                                          r.getInteger("in_flight"),
                                          Rows.instant(r, "in_flight_until"),
                                          Rows.instant(r, "window_start"),
                                          Rows.instant(r, "locked_until"))));
                          Change<T> decided = change.apply(found);
                          return write(conn, distinct, decided.next()).map(decided.answer());
                        }))
        .recover(Sql::fail);
  }

  private static Future<Void> lockAll(SqlConnection conn, int[] locks) {
    Future<Void> done = Future.succeededFuture();
    for (int lock : locks) {
      done =
          done.compose(
              v ->
                  conn.preparedQuery("select pg_advisory_xact_lock($1::int4, $2::int4)")
                      .execute(Tuple.of(LOCK_CLASS, lock))
                      .mapEmpty());
    }
    return done;
  }

  private static Future<Void> write(SqlConnection conn, String[] keys, Map<String, Counter> next) {
    Future<Void> done = Future.succeededFuture();
    for (String key : keys) {
      if (!next.containsKey(key)) {
        continue;
      }
      Counter c = next.get(key);
      done =
          done.compose(
              v ->
                  (c == null || empty(c)
                          ? conn.preparedQuery("delete from login_throttle where key = $1")
                              .execute(Tuple.of(key))
                          : conn.preparedQuery(
                                  "insert into login_throttle (key, failures, in_flight, "
                                      + "in_flight_until, window_start, locked_until) "
                                      + "values ($1, $2, $3, $4, $5, $6) on conflict (key) do update "
                                      + "set failures = excluded.failures, in_flight = excluded.in_flight, "
                                      + "in_flight_until = excluded.in_flight_until, "
                                      + "window_start = excluded.window_start, "
                                      + "locked_until = excluded.locked_until")
                              .execute(
                                  Tuple.of(
                                      key,
                                      c.failures(),
                                      c.inFlight(),
                                      Rows.timestamp(c.inFlightUntil()),
                                      Rows.timestamp(c.windowStart()),
                                      Rows.timestamp(c.lockedUntil()))))
                      .mapEmpty());
    }
    return done;
  }

  private static boolean empty(Counter c) {
    return c.failures() == 0 && c.inFlight() == 0 && c.lockedUntil() == null;
  }

  /**
   * Deletes up to {@link #PURGE_LIMIT} counters that no longer hold anything at {@code now}: no
   * lock, no reservation that still counts, failures older than {@code windowStartedBefore}.
   */
  Future<Integer> purge(Instant now, Instant windowStartedBefore) {
    // rows a sign-in is writing are skipped, so a purge never waits for (nor blocks) one; the
    // condition again on the deleted row: it is rechecked as it is now
    String idle =
        "(locked_until is null or locked_until <= $1) "
            + "and (in_flight = 0 or in_flight_until is null or in_flight_until <= $1) "
            + "and (window_start < $2 or (failures = 0 and locked_until is null))";
    return pool.preparedQuery(
            "delete from login_throttle where "
                + idle
                + " and key in (select key from login_throttle where "
                + idle
                + " limit $3 for update skip locked)")
        .execute(
            Tuple.of(Rows.timestamp(now), Rows.timestamp(windowStartedBefore), (long) PURGE_LIMIT))
        .recover(Sql::fail)
        .map(rows -> rows.rowCount());
  }
}
