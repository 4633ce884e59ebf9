package io.cdcconsole.run;

import io.vertx.core.Vertx;
import java.util.List;

/**
 * Publishes run changes on the event bus: every stored transition at {@link #ADDRESS} (SSE, alerts
 * and DolphinScheduler waiters listen there), and a run becoming stale or fresh again at {@link
 * #STALE_ADDRESS}.
 */
public final class RunEvents {
  public static final String ADDRESS = "run.state";
  public static final String STALE_ADDRESS = "run.stale";

  private final Vertx vertx;

  public RunEvents(Vertx vertx) {
    this.vertx = vertx;
  }

  void changed(RunTransition transition) {
    vertx.eventBus().publish(ADDRESS, transition.toEvent());
  }

  void stale(List<RunStale> changes) {
    changes.forEach(change -> vertx.eventBus().publish(STALE_ADDRESS, change.toEvent()));
  }
}
