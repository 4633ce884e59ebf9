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
 * Sign-in counters in {@code login_throttle}, shared by every replica. A change reads the counters
 * of its keys under row locks and writes what the caller computed from them, in one transaction:
 * concurrent sign-ins on any replica are counted one after the other.
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

  private final Pool pool;

  LoginThrottleStore(Pool pool) {
    this.pool = pool;
  }

  /**
   * Locks the counters of {@code keys} (absent ones as null), hands them to {@code change} and
   * writes its answer. Rows are created and locked in key order, so two changes cannot deadlock.
   */
  <T> Future<T> change(List<String> keys, Function<Map<String, Counter>, Change<T>> change) {
    String[] sorted = keys.stream().distinct().sorted().toArray(String[]::new);
    return pool.withTransaction(
            conn ->
                // a placeholder row to lock for a key seen first: else two first attempts would
                // both find nothing
                conn.preparedQuery(
                        "insert into login_throttle (key, failures, in_flight, window_start) "
                            + "select k, 0, 0, now() from unnest($1::text[]) with ordinality as u(k, n) "
                            + "order by n on conflict (key) do nothing")
                    .execute(Tuple.of(sorted))
                    .compose(
                        inserted ->
                            conn.preparedQuery(
                                    "select * from login_throttle where key = any($1) "
                                        + "order by key for update")
                                .execute(Tuple.of(sorted)))
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
                          // placeholders read as absent
                          found.values().removeIf(LoginThrottleStore::empty);
                          Change<T> decided = change.apply(found);
                          return write(conn, sorted, decided.next()).map(decided.answer());
                        }))
        .recover(Sql::fail);
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
                                  "update login_throttle set failures = $2, in_flight = $3, "
                                      + "in_flight_until = $4, window_start = $5, locked_until = $6 "
                                      + "where key = $1")
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
    // the condition again on the deleted row: a row a sign-in changed meanwhile is rechecked as it
    // is now
    String idle =
        "(locked_until is null or locked_until <= $1) "
            + "and (in_flight = 0 or in_flight_until is null or in_flight_until <= $1) "
            + "and (window_start < $2 or (failures = 0 and locked_until is null))";
    return pool.preparedQuery(
            "delete from login_throttle where "
                + idle
                + " and key in (select key from login_throttle where "
                + idle
                + " limit $3)")
        .execute(Tuple.of(Rows.timestamp(now), Rows.timestamp(windowStartedBefore), PURGE_LIMIT))
        .recover(Sql::fail)
        .map(rows -> rows.rowCount());
  }
}
