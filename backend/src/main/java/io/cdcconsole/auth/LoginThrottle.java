package io.cdcconsole.auth;

import io.cdcconsole.auth.LoginThrottleStore.Change;
import io.cdcconsole.auth.LoginThrottleStore.Counter;
import io.cdcconsole.config.ConsoleConfig;
import io.cdcconsole.lifecycle.Background;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts sign-in attempts per user name and per client address and locks either for a while once it
 * has too many failures. An attempt is reserved before its password is checked and counts against
 * the limit while it is checked, so parallel guesses cannot all pass the check before the first
 * failure is counted (security review H2). The counters live in Postgres ({@link
 * LoginThrottleStore}), changed under a lock per key: a lockout holds on every replica and survives
 * a restart. A reservation counts for {@link #IN_FLIGHT_HOLD} at most, so attempts of a replica
 * that died mid-check do not lock anyone for good. Idle counters are purged on a timer.
 */
public final class LoginThrottle implements Background {
  private static final Logger LOG = LoggerFactory.getLogger(LoginThrottle.class);

  /** What a caller refused for attempts still in flight should wait: about one password check. */
  private static final Duration IN_FLIGHT_WAIT = Duration.ofSeconds(1);

  /** Far longer than a password check; only a reservation whose replica died lasts this long. */
  static final Duration IN_FLIGHT_HOLD = Duration.ofMinutes(1);

  private static final Duration PURGE_EVERY = Duration.ofMinutes(1);

  /** Why and for how long sign-in is refused. */
  public record Lock(String reason, Duration remaining) {}

  private final Vertx vertx;
  private final LoginThrottleStore store;
  private final ConsoleConfig.Lockout policy;
  private final Clock clock;
  private long purger = -1;

  public LoginThrottle(Vertx vertx, Pool pool, ConsoleConfig.Lockout policy, Clock clock) {
    this.vertx = vertx;
    this.store = new LoginThrottleStore(pool);
    this.policy = policy;
    this.clock = clock;
  }

  @Override
  public Future<Void> start() {
    if (purger < 0) {
      purger = vertx.setPeriodic(PURGE_EVERY.toMillis(), id -> purge());
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> stop() {
    if (purger >= 0) {
      vertx.cancelTimer(purger);
      purger = -1;
    }
    return Future.succeededFuture();
  }

  /**
   * Reserves one attempt for the user and the address; empty when reserved, else why not. An
   * attempt is refused when either is locked, or when its failures plus the attempts being checked
   * reach the limit. A reservation ends with exactly one of {@link #failed}, {@link #succeeded} or
   * {@link #released}.
   */
  public Future<Optional<Lock>> tryReserve(String username, String address) {
    String user = userKey(username);
    String addr = addressKey(address);
    return store.change(
        List.of(user, addr),
        found -> {
          Instant now = now();
          Counter u = current(found.get(user), now);
          Counter a = current(found.get(addr), now);
          Optional<Lock> refused = refusal(u, policy.maxFailures(), now, "this account");
          if (refused.isEmpty()) {
            refused = refusal(a, policy.maxFailuresPerAddress(), now, "your address");
          }
          Map<String, Counter> next = new HashMap<>();
          UnaryOperator<Counter> reserve =
              c ->
                  new Counter(
                      c.failures(),
                      c.inFlight() + 1,
                      now.plus(IN_FLIGHT_HOLD),
                      c.windowStart(),
                      c.lockedUntil());
          next.put(user, refused.isPresent() ? u : reserve.apply(orNew(u, now)));
          next.put(addr, refused.isPresent() ? a : reserve.apply(orNew(a, now)));
          return new Change<>(next, refused);
        });
  }

  /** The reserved attempt failed: it counts, and may lock the user or the address. */
  public Future<Void> failed(String username, String address) {
    Step fail =
        (c, limit, now) -> {
          int failures = c.failures() + 1;
          Instant lockedUntil =
              lockedAt(c, now)
                  ? c.lockedUntil()
                  : failures >= limit ? now.plus(policy.duration()) : null;
          return new Counter(
              failures, c.inFlight() - 1, c.inFlightUntil(), c.windowStart(), lockedUntil);
        };
    return change(username, address, fail, fail);
  }

  /** The reserved attempt signed in: the user's failures are forgiven (the address's are not). */
  public Future<Void> succeeded(String username, String address) {
    return change(
        username,
        address,
        (c, limit, now) -> new Counter(0, c.inFlight() - 1, c.inFlightUntil(), now, null),
        LoginThrottle::release);
  }

  /** The reserved attempt was not decided (the server was busy or failed): it does not count. */
  public Future<Void> released(String username, String address) {
    return change(username, address, LoginThrottle::release, LoginThrottle::release);
  }

  private interface Step {
    Counter apply(Counter c, int limit, Instant now);
  }

  /** Applies {@code onUser} to the user's counter and {@code onAddress} to the address's. */
  private Future<Void> change(String username, String address, Step onUser, Step onAddress) {
    String user = userKey(username);
    String addr = addressKey(address);
    return store.change(
        List.of(user, addr),
        found -> {
          Instant now = now();
          Counter u = orNew(current(found.get(user), now), now);
          Counter a = orNew(current(found.get(addr), now), now);
          Map<String, Counter> next = new HashMap<>();
          next.put(user, normal(onUser.apply(u, policy.maxFailures(), now)));
          next.put(addr, normal(onAddress.apply(a, policy.maxFailuresPerAddress(), now)));
          return new Change<>(next, null);
        });
  }

  private static Counter release(Counter c, int limit, Instant now) {
    return new Counter(
        c.failures(), c.inFlight() - 1, c.inFlightUntil(), c.windowStart(), c.lockedUntil());
  }

  private Optional<Lock> refusal(Counter c, int limit, Instant now, String who) {
    if (c == null) {
      return Optional.empty();
    }
    if (lockedAt(c, now)) {
      return Optional.of(new Lock(who, Duration.between(now, c.lockedUntil())));
    }
    return c.failures() + c.inFlight() >= limit
        ? Optional.of(new Lock(who, IN_FLIGHT_WAIT))
        : Optional.empty();
  }

  private static boolean lockedAt(Counter c, Instant now) {
    return c.lockedUntil() != null && c.lockedUntil().isAfter(now);
  }

  /**
   * The counter as it stands now: failures outside the window and an ended lock are forgotten, and
   * reservations held past {@link #IN_FLIGHT_HOLD}; attempts in flight are not.
   */
  private Counter current(Counter c, Instant now) {
    if (c == null) {
      return null;
    }
    boolean holding = c.inFlightUntil() != null && c.inFlightUntil().isAfter(now);
    int inFlight = holding ? c.inFlight() : 0;
    Instant inFlightUntil = holding ? c.inFlightUntil() : null;
    if (!lockedAt(c, now)
        && (c.lockedUntil() != null || c.windowStart().plus(policy.window()).isBefore(now))) {
      return new Counter(0, inFlight, inFlightUntil, now, null);
    }
    return new Counter(c.failures(), inFlight, inFlightUntil, c.windowStart(), c.lockedUntil());
  }

  private static Counter orNew(Counter c, Instant now) {
    return c == null ? new Counter(0, 0, null, now, null) : c;
  }

  /** No negative count of attempts in flight; none left, none held. */
  private static Counter normal(Counter c) {
    int inFlight = Math.max(0, c.inFlight());
    return new Counter(
        c.failures(),
        inFlight,
        inFlight == 0 ? null : c.inFlightUntil(),
        c.windowStart(),
        c.lockedUntil());
  }

  /** Removes (a bounded number of) counters that hold nothing any more; answers how many. */
  Future<Integer> purge() {
    Instant now = now();
    return store
        .purge(now, now.minus(policy.window()))
        .onFailure(err -> LOG.warn("Purging sign-in counters failed: {}", err.toString()));
  }

  private static String userKey(String username) {
    return "user:" + username.toLowerCase(Locale.ROOT);
  }

  private static String addressKey(String address) {
    return "addr:" + address;
  }

  /** Now at the database's precision, so a time written and read back equals the one computed. */
  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }
}
