package io.cdcconsole.lifecycle;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background work done in passes: one at start, one every {@code every}, and one on request ({@link
 * #now}), never two at a time, all on one context. A pass asked for while one runs happens once
 * right after it (requests in between coalesce), so nothing asked for is skipped and nothing piles
 * up. A pass answers whether it left work behind (it took as much as it may take at once): then the
 * next one starts at once.
 */
public final class Passes {
  private static final Logger LOG = LoggerFactory.getLogger(Passes.class);

  private final Vertx vertx;
  private final Duration every;
  private final Supplier<Future<Boolean>> pass;
  private Context context;
  private long timer = -1;
  private boolean busy;
  private boolean again;
  private volatile boolean stopped;
  private List<Promise<Void>> waiting = new ArrayList<>();

  /**
   * @param pass one pass; answers true when it left work behind
   */
  public Passes(Vertx vertx, Duration every, Supplier<Future<Boolean>> pass) {
    this.vertx = vertx;
    this.every = every;
    this.pass = pass;
  }

  /** Completes after the first pass; the periodic ones start then. */
  public Future<Void> start() {
    context = vertx.getOrCreateContext();
    Promise<Void> first = Promise.promise();
    context.runOnContext(
        v -> {
          waiting.add(first);
          run();
        });
    return first
        .future()
        .onComplete(
            ar ->
                context.runOnContext(
                    v -> {
                      if (!stopped) {
                        timer = vertx.setPeriodic(every.toMillis(), id -> now());
                      }
                    }));
  }

  /** A pass now, or right after the one under way; completes when that pass is done. */
  public Future<Void> now() {
    if (context == null) {
      return Future.succeededFuture();
    }
    Promise<Void> done = Promise.promise();
    context.runOnContext(
        v -> {
          if (stopped) {
            done.complete();
            return;
          }
          waiting.add(done);
          if (busy) {
            again = true;
          } else {
            run();
          }
        });
    return done.future();
  }

  /**
   * No pass starts after this completes (one under way ends by itself: it should check {@link
   * #stopped} before acting on what it read).
   */
  public Future<Void> stop() {
    if (context == null) {
      return Future.succeededFuture();
    }
    Promise<Void> done = Promise.promise();
    context.runOnContext(
        v -> {
          stopped = true;
          vertx.cancelTimer(timer);
          waiting.forEach(Promise::tryComplete);
          waiting.clear();
          done.complete();
        });
    return done.future();
  }

  public boolean stopped() {
    return stopped;
  }

  private void run() {
    busy = true;
    again = false;
    List<Promise<Void>> served = waiting;
    waiting = new ArrayList<>();
    Future<Boolean> result;
    try {
      result = pass.get();
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    // back on the loop's context whatever thread ended the pass
    result.onComplete(ar -> context.runOnContext(v -> after(served, ar)));
  }

  private void after(List<Promise<Void>> served, AsyncResult<Boolean> ar) {
    busy = false;
    served.forEach(Promise::tryComplete);
    if (ar.failed()) {
      LOG.debug("A pass did not finish: {}", ar.cause().getMessage());
    }
    boolean more = again || (ar.succeeded() && Boolean.TRUE.equals(ar.result()));
    if (stopped) {
      waiting.forEach(Promise::tryComplete);
      waiting.clear();
    } else if (more) {
      run();
    }
  }
}
