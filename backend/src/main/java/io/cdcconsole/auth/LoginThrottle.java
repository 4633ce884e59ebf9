package io.cdcconsole.auth;

import io.cdcconsole.config.ConsoleConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Counts sign-in attempts per user name and per client address and locks either for a while once it
 * has too many failures. An attempt is reserved before its password is checked and counts against
 * the limit while it is checked, so parallel guesses cannot all pass the check before the first
 * failure is counted (security review H2). Kept in memory: a restart forgives, which is acceptable
 * for a single console process and keeps sign-in off the database. One lock for the whole table:
 * each call is a few map operations, never IO or hashing.
 */
public final class LoginThrottle {
  private static final int MAX_ENTRIES = 100_000;

  /** What a caller refused for attempts still in flight should wait: about one password check. */
  private static final Duration IN_FLIGHT_WAIT = Duration.ofSeconds(1);

  /** Why and for how long sign-in is refused. */
  public record Lock(String reason, Duration remaining) {}

  private record Counter(int failures, int inFlight, Instant windowStart, Instant lockedUntil) {
    boolean lockedAt(Instant now) {
      return lockedUntil != null && lockedUntil.isAfter(now);
    }
  }

  private final ConsoleConfig.Lockout policy;
  private final Clock clock;
  private final Map<String, Counter> counters = new HashMap<>();

  public LoginThrottle(ConsoleConfig.Lockout policy, Clock clock) {
    this.policy = policy;
    this.clock = clock;
  }

  /**
   * Reserves one attempt for the user and the address; empty when reserved, else why not. An
   * attempt is refused when either is locked, or when its failures plus the attempts being checked
   * reach the limit. A reservation ends with exactly one of {@link #failed}, {@link #succeeded} or
   * {@link #released}.
   */
  public synchronized Optional<Lock> tryReserve(String username, String address) {
    if (counters.size() > MAX_ENTRIES) {
      purge();
    }
    Instant now = clock.instant();
    String user = userKey(username);
    String addr = addressKey(address);
    Optional<Lock> refused = refusal(user, policy.maxFailures(), now, "this account");
    if (refused.isEmpty()) {
      refused = refusal(addr, policy.maxFailuresPerAddress(), now, "your address");
    }
    if (refused.isEmpty()) {
      update(
          user,
          now,
          c -> new Counter(c.failures(), c.inFlight() + 1, c.windowStart(), c.lockedUntil()));
      update(
          addr,
          now,
          c -> new Counter(c.failures(), c.inFlight() + 1, c.windowStart(), c.lockedUntil()));
    }
    return refused;
  }

  /** The reserved attempt failed: it counts, and may lock the user or the address. */
  public synchronized void failed(String username, String address) {
    Instant now = clock.instant();
    fail(userKey(username), policy.maxFailures(), now);
    fail(addressKey(address), policy.maxFailuresPerAddress(), now);
  }

  /** The reserved attempt signed in: the user's failures are forgiven (the address's are not). */
  public synchronized void succeeded(String username, String address) {
    Instant now = clock.instant();
    update(userKey(username), now, c -> new Counter(0, c.inFlight() - 1, now, null));
    release(addressKey(address), now);
  }

  /** The reserved attempt was not decided (the server was busy or failed): it does not count. */
  public synchronized void released(String username, String address) {
    Instant now = clock.instant();
    release(userKey(username), now);
    release(addressKey(address), now);
  }

  private Optional<Lock> refusal(String key, int limit, Instant now, String who) {
    Counter c = current(key, now);
    if (c == null) {
      return Optional.empty();
    }
    if (c.lockedAt(now)) {
      return Optional.of(new Lock(who, Duration.between(now, c.lockedUntil())));
    }
    return c.failures() + c.inFlight() >= limit
        ? Optional.of(new Lock(who, IN_FLIGHT_WAIT))
        : Optional.empty();
  }

  private void fail(String key, int limit, Instant now) {
    update(
        key,
        now,
        c -> {
          int failures = c.failures() + 1;
          Instant lockedUntil =
              c.lockedAt(now)
                  ? c.lockedUntil()
                  : failures >= limit ? now.plus(policy.duration()) : null;
          return new Counter(failures, c.inFlight() - 1, c.windowStart(), lockedUntil);
        });
  }

  private void release(String key, Instant now) {
    update(
        key,
        now,
        c -> new Counter(c.failures(), c.inFlight() - 1, c.windowStart(), c.lockedUntil()));
  }

  /**
   * The counter as it stands now: failures outside the window and an ended lock are forgotten,
   * attempts in flight not.
   */
  private Counter current(String key, Instant now) {
    Counter c = counters.get(key);
    if (c != null
        && !c.lockedAt(now)
        && (c.lockedUntil() != null || c.windowStart().plus(policy.window()).isBefore(now))) {
      c = new Counter(0, c.inFlight(), now, null);
    }
    return c;
  }

  private void update(String key, Instant now, UnaryOperator<Counter> change) {
    Counter c = current(key, now);
    Counter next = change.apply(c == null ? new Counter(0, 0, now, null) : c);
    next =
        new Counter(
            next.failures(), Math.max(0, next.inFlight()), next.windowStart(), next.lockedUntil());
    if (next.failures() == 0 && next.inFlight() == 0 && next.lockedUntil() == null) {
      counters.remove(key);
    } else {
      counters.put(key, next);
    }
  }

  private void purge() {
    Instant now = clock.instant();
    counters
        .entrySet()
        .removeIf(
            e ->
                e.getValue().inFlight() == 0
                    && e.getValue().windowStart().plus(policy.window()).isBefore(now)
                    && !e.getValue().lockedAt(now));
  }

  private static String userKey(String username) {
    return "user:" + username.toLowerCase(Locale.ROOT);
  }

  private static String addressKey(String address) {
    return "addr:" + address;
  }
}
