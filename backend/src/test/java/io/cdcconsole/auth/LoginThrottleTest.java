package io.cdcconsole.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.config.ConsoleConfig;
import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.FakeClock;
import io.cdcconsole.test.TestConsole;
import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The sign-in throttle on the database, as two replicas use it: two {@link LoginThrottle}s on one
 * database (and one fake clock) agree on every count, reserve atomically, and forget a reservation
 * whose replica never ended it once {@link LoginThrottle#IN_FLIGHT_HOLD} has passed.
 */
class LoginThrottleTest extends ConsoleTest {
  private static final ConsoleConfig.Lockout POLICY =
      new ConsoleConfig.Lockout(3, 1000, Duration.ofMinutes(15), Duration.ofMinutes(10));

  private final FakeClock clock = new FakeClock(Instant.now());
  private final LoginThrottle a = throttle();
  private final LoginThrottle b = throttle();

  private LoginThrottle throttle() {
    return new LoginThrottle(consoleVertx(), console.app().database().pool(), POLICY, clock);
  }

  @Test
  void failuresCountedByOneReplicaLockOnTheOther() throws Exception {
    for (int i = 0; i < 3; i++) {
      assertEquals(Optional.empty(), await(a.tryReserve("alice", "10.0.0.1")));
      await((i % 2 == 0 ? a : b).failed("alice", "10.0.0.1"));
    }
    LoginThrottle.Lock lock = await(b.tryReserve("ALICE", "10.0.0.2")).orElseThrow();
    assertEquals("this account", lock.reason());
    assertEquals(Duration.ofMinutes(10), lock.remaining());
    clock.advance(Duration.ofMinutes(4));
    assertEquals(
        Duration.ofMinutes(6), await(a.tryReserve("alice", "10.0.0.3")).orElseThrow().remaining());
    clock.advance(Duration.ofMinutes(7));
    assertEquals(Optional.empty(), await(a.tryReserve("alice", "10.0.0.1")), "the lock ended");
    await(b.succeeded("alice", "10.0.0.1"));
  }

  @Test
  void parallelReservationsOnTwoReplicasPassTheLimitNever() throws Exception {
    List<Future<Optional<LoginThrottle.Lock>>> tries = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      tries.add((i % 2 == 0 ? a : b).tryReserve("bob", "10.0.1." + i));
    }
    await(Future.all(tries));
    assertEquals(
        3, tries.stream().filter(t -> t.result().isEmpty()).count(), "3 in flight at most");
    assertTrue(
        tries.stream()
            .filter(t -> t.result().isPresent())
            .allMatch(t -> t.result().get().remaining().equals(Duration.ofSeconds(1))),
        "the others wait about one password check");
  }

  @Test
  void aReservationNeverEndedCountsForAMinuteOnly() throws Exception {
    // a replica reserved three attempts and died before it checked them
    for (int i = 0; i < 3; i++) {
      assertEquals(Optional.empty(), await(a.tryReserve("carol", "10.0.2.1")));
    }
    assertTrue(await(b.tryReserve("carol", "10.0.2.2")).isPresent());
    clock.advance(LoginThrottle.IN_FLIGHT_HOLD.plusSeconds(1));
    assertEquals(Optional.empty(), await(b.tryReserve("carol", "10.0.2.2")));
    await(b.released("carol", "10.0.2.2"));
  }

  @Test
  void idleCountersArePurgedAndLocksAreNot() throws Exception {
    // failures count for a minute; a lock lasts ten
    LoginThrottle shortWindow =
        new LoginThrottle(
            consoleVertx(),
            console.app().database().pool(),
            new ConsoleConfig.Lockout(3, 1000, Duration.ofMinutes(1), Duration.ofMinutes(10)),
            clock);
    await(shortWindow.tryReserve("dave", "10.0.3.1"));
    await(shortWindow.failed("dave", "10.0.3.1"));
    for (int i = 0; i < 3; i++) {
      await(shortWindow.tryReserve("erin", "10.0.3.2"));
      await(shortWindow.failed("erin", "10.0.3.2"));
    }
    String[] keys = {"user:dave", "addr:10.0.3.1", "user:erin", "addr:10.0.3.2"};
    await(shortWindow.purge());
    assertEquals(4, rows(keys), "all within the window");
    clock.advance(Duration.ofMinutes(2));
    await(shortWindow.purge());
    assertEquals(1, rows(keys), "only erin's lock is left");
    assertEquals(1, rows("user:erin"));
    clock.advance(Duration.ofMinutes(9));
    await(shortWindow.purge());
    assertEquals(0, rows(keys), "the lock ended");
  }

  private long rows(String... keys) throws Exception {
    return await(
            console
                .app()
                .database()
                .pool()
                .preparedQuery("select count(*) as n from login_throttle where key = any($1)")
                .execute(Tuple.of(keys)))
        .iterator()
        .next()
        .getLong("n");
  }

  private static <T> T await(Future<T> f) throws Exception {
    return TestConsole.await(f);
  }
}
