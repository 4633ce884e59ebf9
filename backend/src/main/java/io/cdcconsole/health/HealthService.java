package io.cdcconsole.health;

import io.cdcconsole.error.NotFound;
import io.cdcconsole.run.Run;
import io.cdcconsole.run.RunState;
import io.cdcconsole.run.RunStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A run's health as measured: its history, its current values and verdict, and waiting for a
 * condition on them.
 */
public final class HealthService {
  /** Points one history answer holds at most: a day at the default 30 s cadence. */
  public static final int MAX_POINTS = 2880;

  private final Vertx vertx;
  private final HealthStore store;
  private final RunStore runs;

  public HealthService(Vertx vertx, HealthStore store, RunStore runs) {
    this.vertx = vertx;
    this.store = store;
    this.runs = runs;
  }

  /** The run's points since a time (the newest {@code limit} of them), with its current verdict. */
  public Future<RunMetrics> metrics(long runId, Instant since, int limit) {
    return runs.find(runId)
        .compose(
            run ->
                run.isEmpty()
                    ? Future.failedFuture(new NotFound("No run " + runId + "."))
                    : Future.all(store.history(runId, since, limit), current(run.get()))
                        .map(
                            all ->
                                new RunMetrics(
                                    runId,
                                    since,
                                    all.<Optional<HealthStore.Current>>resultAt(1).orElse(null),
                                    all.resultAt(0))));
  }

  /**
   * The run's latest measurement, while the run is RUNNING (an earlier one would describe a job
   * that is gone).
   */
  public Future<Optional<HealthStore.Current>> current(Run run) {
    return current(run.id(), run.state());
  }

  Future<Optional<HealthStore.Current>> current(long runId, RunState state) {
    return state == RunState.RUNNING
        ? store.current(runId)
        : Future.succeededFuture(Optional.empty());
  }

  /**
   * Completes when the run's measurement satisfies {@code reached} (checked now and at every new
   * sample), or after {@code timeout} with the latest one; without holding a thread.
   */
  public Future<Optional<HealthStore.Current>> until(
      long runId, Predicate<HealthStore.Current> reached, Duration timeout) {
    Promise<Optional<HealthStore.Current>> result = Promise.promise();
    MessageConsumer<JsonObject> consumer =
        vertx
            .eventBus()
            .consumer(
                HealthEvents.ADDRESS,
                message -> {
                  if (message.body().getLong("runId") == runId) {
                    store
                        .current(runId)
                        .onSuccess(
                            now -> now.filter(reached).ifPresent(c -> result.tryComplete(now)));
                  }
                });
    long timer =
        vertx.setTimer(
            Math.max(1, timeout.toMillis()),
            id -> store.current(runId).onSuccess(result::tryComplete).onFailure(result::tryFail));
    consumer
        .completion()
        .onComplete(
            registered ->
                store
                    .current(runId)
                    .onSuccess(now -> now.filter(reached).ifPresent(c -> result.tryComplete(now)))
                    .onFailure(result::tryFail));
    return result
        .future()
        .onComplete(
            done -> {
              consumer.unregister();
              vertx.cancelTimer(timer);
            });
  }
}
