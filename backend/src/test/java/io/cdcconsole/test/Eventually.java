package io.cdcconsole.test;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits for something that becomes true by itself (a state change, an audit row, an expiry): it
 * polls until the condition holds and fails only after a generous bound. Tests wait on the
 * invariant they assert, never on a fixed number of polls or a sampled moment, so a slow, shared
 * machine only makes them slower.
 */
public final class Eventually {
  /** Long enough for a loaded 2-core machine; a test that passes never waits for it. */
  public static final Duration PATIENCE = Duration.ofMinutes(3);

  private Eventually() {}

  /** Something to probe that may throw (an HTTP call, a file read). */
  @FunctionalInterface
  public interface Probe<T> {
    T get() throws Exception;
  }

  /** A block of assertions to repeat until it passes. */
  @FunctionalInterface
  public interface Check {
    void run() throws Exception;
  }

  /**
   * The first value of {@code probe} that satisfies {@code done}, within {@link #PATIENCE}. An
   * exception (or an AssertionError) thrown by the probe ends the wait at once: a probe throws when
   * waiting longer is pointless.
   */
  public static <T> T eventually(Probe<T> probe, Predicate<? super T> done) throws Exception {
    return eventually(PATIENCE, probe, done);
  }

  public static <T> T eventually(Duration patience, Probe<T> probe, Predicate<? super T> done)
      throws Exception {
    return eventually(patience, probe, done, () -> "not so");
  }

  /**
   * As {@link #eventually(Duration, Probe, Predicate)}; when the wait fails, its message starts
   * with {@code why}, asked once at the end (a diagnosis may cost requests of its own).
   */
  public static <T> T eventually(
      Duration patience, Probe<T> probe, Predicate<? super T> done, Supplier<String> why)
      throws Exception {
    long deadline = System.nanoTime() + patience.toNanos();
    long pause = 20;
    while (true) {
      T value = probe.get();
      if (done.test(value)) {
        return value;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            why.get() + " within " + patience.toSeconds() + " s; last seen: " + value);
      }
      pause = sleep(pause);
    }
  }

  /**
   * Repeats {@code check} until its assertions pass, within {@link #PATIENCE}; then the last
   * failure is thrown.
   */
  public static void eventually(Check check) throws Exception {
    eventually(PATIENCE, check);
  }

  public static void eventually(Duration patience, Check check) throws Exception {
    long deadline = System.nanoTime() + patience.toNanos();
    long pause = 20;
    while (true) {
      try {
        check.run();
        return;
      } catch (AssertionError e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
      }
      pause = sleep(pause);
    }
  }

  /**
   * Polls fast at first (most waits are short), then backs off so that a long wait does not load
   * the machine.
   */
  private static long sleep(long pause) throws InterruptedException {
    Thread.sleep(pause);
    return Math.min(pause * 2, 500);
  }
}
