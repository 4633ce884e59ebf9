package io.cdcconsole.lifecycle;

import io.vertx.core.Future;
import java.util.function.Supplier;

/**
 * Work that runs beside the requests (a watcher's timers, an outbox's delivery loop, event-bus
 * listeners). {@code ConsoleApp} starts each once, in order, and stops them in reverse. {@link
 * #stop} cancels every timer and unregisters every event-bus consumer the service holds, so that a
 * console stopped and started again on the same Vert.x neither ticks nor listens twice.
 */
public interface Background {

  /** Completes when the service is running (some, like the run watcher, after a first pass). */
  Future<Void> start();

  /** Completes when no timer or consumer of the service is left; never fails for a stopped one. */
  Future<Void> stop();

  /** A part started by its own composition (an HTTP server) that only needs stopping in turn. */
  static Background stopping(Supplier<Future<Void>> stop) {
    return of(Future::succeededFuture, stop);
  }

  static Background of(Supplier<Future<Void>> start, Supplier<Future<Void>> stop) {
    return new Background() {
      @Override
      public Future<Void> start() {
        return start.get();
      }

      @Override
      public Future<Void> stop() {
        return stop.get();
      }
    };
  }
}
