package io.cdcconsole.lifecycle;

import static io.cdcconsole.test.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.test.TestConsole;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pass loop of the background services: one pass at a time, requests during a pass coalesce
 * into one pass after it (none lost), work left behind runs again at once, nothing after stop.
 * Passes here end when the test completes them, so nothing depends on timing.
 */
class PassesTest {
  private Vertx vertx;
  private final Queue<Promise<Boolean>> open = new ConcurrentLinkedQueue<>();
  private final AtomicInteger started = new AtomicInteger();
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger mostAtOnce = new AtomicInteger();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    TestConsole.await(vertx.close());
  }

  /** A pass that stays open until the test completes it. */
  private Future<Boolean> pass() {
    started.incrementAndGet();
    mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
    Promise<Boolean> p = Promise.promise();
    open.add(p);
    return p.future().onComplete(ar -> running.decrementAndGet());
  }

  /** Ends the pass under way with {@code leftWork}, on the loop's context as a store would. */
  private void finish(boolean leftWork) throws Exception {
    Promise<Boolean> p = eventually(open::poll, x -> x != null);
    p.complete(leftWork);
  }

  private Passes hourly() {
    return new Passes(vertx, Duration.ofHours(1), this::pass);
  }

  @Test
  void startEndsAfterTheFirstPassAndRequestsDuringAPassCoalesceIntoOne() throws Exception {
    Passes passes = hourly();
    Future<Void> start = passes.start();
    eventually(started::get, n -> n == 1);
    assertTrue(!start.isComplete(), "start waits for its first pass");
    finish(false);
    TestConsole.await(start);

    Future<Void> a = passes.now();
    eventually(started::get, n -> n == 2);
    List<Future<Void>> during = List.of(passes.now(), passes.now(), passes.now());
    assertEquals(2, started.get(), "no second pass while one runs");
    finish(false);
    TestConsole.await(a);
    // the three requests made during pass 2 are served by one pass after it (two if the loop saw
    // the first only after pass 2 had ended): each waits for a pass that starts after it was made
    while (!during.stream().allMatch(Future::isComplete)) {
      finish(false);
      Thread.sleep(20);
    }
    assertTrue(started.get() <= 4, "requests coalesce: " + started.get() + " passes");
    assertEquals(1, mostAtOnce.get(), "never two passes at once");
    assertTrue(open.isEmpty());
  }

  @Test
  void aPassThatLeftWorkIsFollowedAtOnceUntilNoneIsLeft() throws Exception {
    Passes passes = hourly();
    Future<Void> start = passes.start();
    finish(true);
    finish(true);
    finish(false);
    TestConsole.await(start);
    Thread.sleep(100);
    assertEquals(3, started.get());
    assertEquals(1, mostAtOnce.get());
  }

  @Test
  void aFailedOrThrowingPassDoesNotStopTheLoopAndPeriodicPassesRun() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Passes passes =
        new Passes(
            vertx,
            Duration.ofMillis(20),
            () -> {
              int n = calls.incrementAndGet();
              if (n == 1) {
                throw new IllegalStateException("first pass throws");
              }
              return n == 2
                  ? Future.failedFuture("second pass fails")
                  : Future.succeededFuture(false);
            });
    TestConsole.await(passes.start());
    eventually(calls::get, n -> n >= 5);
    TestConsole.await(passes.stop());
  }

  @Test
  void nothingRunsAfterStopAndWhatWaitedEnds() throws Exception {
    Passes passes = hourly();
    Future<Void> start = passes.start();
    finish(false);
    TestConsole.await(start);
    passes.now();
    eventually(started::get, n -> n == 2);
    Future<Void> waiting = passes.now(); // asked during the pass: would run after it
    TestConsole.await(passes.stop());
    TestConsole.await(waiting);
    assertTrue(passes.stopped());
    finish(false); // the pass under way ends by itself
    TestConsole.await(passes.now());
    Thread.sleep(100);
    assertEquals(2, started.get(), "no pass after stop");
  }
}
