package io.cdcconsole.run;

import io.cdcconsole.store.EventFanout;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * Waits for a run to reach a state without holding a thread: a {@code run.state} listener on the
 * event bus and a timer, whichever comes first. Answers the run as it is then; the caller tells
 * success from a timeout. Transitions another replica stores arrive on the same address (fanned
 * out); when some may have been missed ({@link EventFanout#RESYNC_ADDRESS}) the run is read again.
 */
public final class RunWaiter {
  private final Vertx vertx;
  private final RunStore store;

  public RunWaiter(Vertx vertx, RunStore store) {
    this.vertx = vertx;
    this.store = store;
  }

  /**
   * Completes when {@code reached} holds or the run ends, or after {@code timeout} with the run as
   * it is then.
   */
  public Future<Run> until(long runId, Predicate<Run> reached, Duration timeout) {
    Promise<Run> result = Promise.promise();
    Predicate<Run> over = run -> reached.test(run) || run.state().terminal();
    MessageConsumer<JsonObject> consumer =
        vertx
            .eventBus()
            .consumer(
                RunEvents.ADDRESS,
                message -> {
                  if (message.body().getLong("runId") == runId) {
                    store
                        .find(runId)
                        .onSuccess(run -> run.filter(over).ifPresent(result::tryComplete));
                  }
                });
    MessageConsumer<JsonObject> resync =
        vertx
            .eventBus()
            .consumer(
                EventFanout.RESYNC_ADDRESS,
                message ->
                    store
                        .find(runId)
                        .onSuccess(run -> run.filter(over).ifPresent(result::tryComplete)));
    long timer =
        vertx.setTimer(
            Math.max(1, timeout.toMillis()),
            id ->
                store
                    .find(runId)
                    .onSuccess(run -> run.ifPresent(result::tryComplete))
                    .onFailure(result::tryFail));
    // the listener is in place before the first look, so no change can slip between them
    Future.join(consumer.completion(), resync.completion())
        .onComplete(
            registered ->
                store
                    .find(runId)
                    .onSuccess(run -> run.filter(over).ifPresent(result::tryComplete))
                    .onFailure(result::tryFail));
    return result
        .future()
        .onComplete(
            done -> {
              consumer.unregister();
              resync.unregister();
              vertx.cancelTimer(timer);
            });
  }
}
