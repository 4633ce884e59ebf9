package io.cdcconsole.run;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a claim's lease alive while its holder works on something longer than the lease (a
 * submission that uploads a bundle): renewed every third of the lease, so two renewals may fail
 * before it runs out. A renewal the database refuses means the claim is someone else's now: the
 * keeper stops and says so; the holder's own fenced writes are refused from then on anyway.
 */
final class LeaseKeeper {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);

  private final Vertx vertx;
  private final long timer;
  private volatile boolean stopped;

  private LeaseKeeper(Vertx vertx, Duration lease, String what, Supplier<Future<Boolean>> renew) {
    this.vertx = vertx;
    this.timer =
        vertx.setPeriodic(
            Math.max(1, lease.toMillis() / 3),
            id ->
                renew
                    .get()
                    .onSuccess(
                        held -> {
                          if (!held && !stopped) {
                            LOG.warn(
                                "{}: the claim was taken over; its lease is not renewed", what);
                            stop();
                          }
                        })
                    .onFailure(
                        err -> LOG.debug("{}: lease not renewed now: {}", what, err.getMessage())));
  }

  static LeaseKeeper keep(
      Vertx vertx, Duration lease, String what, Supplier<Future<Boolean>> renew) {
    return new LeaseKeeper(vertx, lease, what, renew);
  }

  void stop() {
    stopped = true;
    vertx.cancelTimer(timer);
  }
}
