package io.cdcconsole.auth;

import io.cdcconsole.config.ConsoleConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts failed sign-ins per user name and per client address and locks either for a while once it has too many.
 * Kept in memory: a restart forgives, which is acceptable for a single console process and keeps sign-in off the database.
 */
public final class LoginThrottle {
  private static final int MAX_ENTRIES = 100_000;

  /** Why and for how long sign-in is refused. */
  public record Lock(String reason, Duration remaining) {}

  private record Counter(int failures, Instant windowStart, Instant lockedUntil) {}

  private final ConsoleConfig.Lockout policy;
  private final Clock clock;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  public LoginThrottle(ConsoleConfig.Lockout policy, Clock clock) {
    this.policy = policy;
    this.clock = clock;
  }

  public Optional<Lock> lockFor(String username, String address) {
    Instant now = clock.instant();
    Optional<Lock> user = lock(userKey(username), now, "this account");
    return user.isPresent() ? user : lock(addressKey(address), now, "your address");
  }

  public void failed(String username, String address) {
    if (counters.size() > MAX_ENTRIES) {
      purge();
    }
    Instant now = clock.instant();
    count(userKey(username), policy.maxFailures(), now);
    count(addressKey(address), policy.maxFailuresPerAddress(), now);
  }

  public void succeeded(String username) {
    counters.remove(userKey(username));
  }

  private Optional<Lock> lock(String key, Instant now, String who) {
    Counter c = counters.get(key);
    if (c == null || c.lockedUntil() == null || !c.lockedUntil().isAfter(now)) {
      return Optional.empty();
    }
    return Optional.of(new Lock(who, Duration.between(now, c.lockedUntil())));
  }

  private void count(String key, int limit, Instant now) {
    counters.compute(key, (k, c) -> {
      if (c == null || c.windowStart().plus(policy.window()).isBefore(now)
          || (c.lockedUntil() != null && !c.lockedUntil().isAfter(now))) {
        c = new Counter(0, now, null);
      }
      int failures = c.failures() + 1;
      Instant lockedUntil = failures >= limit ? now.plus(policy.duration()) : null;
      return new Counter(failures, c.windowStart(), lockedUntil);
    });
  }

  private void purge() {
    Instant now = clock.instant();
    counters.entrySet().removeIf(e -> e.getValue().windowStart().plus(policy.window()).isBefore(now)
        && (e.getValue().lockedUntil() == null || e.getValue().lockedUntil().isBefore(now)));
  }

  private static String userKey(String username) {
    return "user:" + username.toLowerCase(Locale.ROOT);
  }

  private static String addressKey(String address) {
    return "addr:" + address;
  }
}
