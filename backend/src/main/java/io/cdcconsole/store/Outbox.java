package io.cdcconsole.store;

import java.time.Duration;

/**
 * The delivery outboxes (DolphinScheduler triggers, alert channels): a row is PENDING until it is
 * delivered or given up, and every replica's delivery loop attempts what is due. A loop claims due
 * rows with {@code FOR UPDATE SKIP LOCKED} and moves their next attempt {@link #HOLD} ahead, so
 * another replica neither waits for those rows nor sees them due while the holder sends. A result
 * is written only while the row is as it was claimed (PENDING, the same attempts): a holder that
 * outlived its hold (a long pause) after another replica delivered writes nothing. A holder that
 * died is replaced once the hold ran out, so a delivery is made at least once and never by two live
 * replicas at once.
 */
public final class Outbox {
  /**
   * Longer than any send may take (DS 30 s, alert channels 15 s) with the database calls around.
   */
  public static final Duration HOLD = Duration.ofMinutes(2);

  private Outbox() {}

  /**
   * A {@code claimed} CTE of at most {@code $1} due rows of {@code table} (oldest first), held for
   * {@link #HOLD}; the caller selects {@code from claimed d}.
   */
  public static String claimDue(String table) {
    return "with claimed as (update "
        + table
        + " u set next_attempt_at = now() + interval '"
        + HOLD.toSeconds()
        + " seconds' where u.id in (select id from "
        + table
        + " where status = 'PENDING' and next_attempt_at <= now() order by id limit $1"
        + " for update skip locked) returning u.*) ";
  }

  /**
   * The condition that the row {@code $1} is still as claimed with {@code $attempts} attempts: the
   * end of an update of a delivery's result.
   */
  public static String asClaimed(int attemptsParameter) {
    return " where id = $1 and status = 'PENDING' and attempts = $" + attemptsParameter;
  }

  /**
   * After failed attempt number {@code attempt} (from 1): when to try again, doubling from {@code
   * backoff} up to {@code maxBackoff}, or null once {@code maxAttempts} were made (given up).
   */
  public static Long retryInMillis(
      int attempt, int maxAttempts, Duration backoff, Duration maxBackoff) {
    if (attempt >= maxAttempts) {
      return null;
    }
    return Math.min(maxBackoff.toMillis(), backoff.toMillis() * (1L << Math.min(20, attempt - 1)));
  }
}
