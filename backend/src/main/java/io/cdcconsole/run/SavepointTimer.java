package io.cdcconsole.run;

import io.cdcconsole.lifecycle.Background;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's savepoint timer: each tick triggers the periodic savepoints whose turn has come (at
 * most {@link #PER_TICK}) and lets the retention policy go through the ledger. Everything it
 * decides on is stored (the runs' turns, their operations, the ledger), so a restart or a second
 * timer takes the same decisions; a tick that is still busy when the next is due is skipped.
 */
public final class SavepointTimer implements Background {
  private static final Logger LOG = LoggerFactory.getLogger(SavepointTimer.class);

  /** Periodic savepoints triggered per tick at most; more due runs wait for the next tick. */
  static final int PER_TICK = 20;

  private final Vertx vertx;
  private final SavepointStore store;
  private final RunService runs;
  private final SavepointRetention retention;
  private final Duration tick;
  private long timer = -1;
  private boolean busy;

  SavepointTimer(
      Vertx vertx,
      SavepointStore store,
      RunService runs,
      SavepointRetention retention,
      Duration tick) {
    this.vertx = vertx;
    this.store = store;
    this.runs = runs;
    this.retention = retention;
    this.tick = tick;
  }

  @Override
  public Future<Void> start() {
    if (timer < 0) {
      timer = vertx.setPeriodic(tick.toMillis(), id -> tick());
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    return Future.succeededFuture();
  }

  private void tick() {
    if (busy) {
      return;
    }
    busy = true;
    store
        .scheduleNew()
        .compose(ok -> store.due(PER_TICK))
        .compose(
            due ->
                Future.join(
                    due.stream()
                        .map(
                            id ->
                                runs.periodicSavepoint(id)
                                    .onFailure(
                                        err ->
                                            LOG.warn(
                                                "Run {}: periodic savepoint not triggered: {}",
                                                id,
                                                err.getMessage())))
                        .toList()))
        .<Void>mapEmpty()
        .recover(
            err -> {
              LOG.debug("Periodic savepoints not looked at this tick: {}", err.getMessage());
              return Future.succeededFuture();
            })
        .compose(ok -> retention.sweep())
        .onComplete(ar -> busy = false);
  }
}
