package io.cdcconsole.run;

import io.cdcconsole.lifecycle.Background;
import io.cdcconsole.lifecycle.Passes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes up, from what is stored, the run wing's work that no console holds: a SUBMITTING run whose
 * submission nobody has claimed (its console died, or gave it back because Flink did not answer),
 * and a savepoint or stop in progress that nobody follows. Each is claimed first by a conditional
 * update — on any number of consoles sharing the database exactly one wins — then acted on: a
 * submission is tracked when Flink has its JobID and submitted again with the same JobID when not;
 * an operation is followed under its stored trigger id (sent again when Flink does not know it).
 *
 * <p>A pass runs at start, every {@code interval}, and at once when the watcher saw such work
 * ({@link #hurry}). A claim whose holder died is free once its lease has run out, so a crashed
 * console's work is taken up within the lease plus one interval. A console that stops gives its
 * claims back, and another takes them up on its next pass.
 */
public final class RunReconciler implements Background {
  private static final Logger LOG = LoggerFactory.getLogger(RunReconciler.class);

  /** Claims per kind per pass at most; a pass that took as many runs again at once. */
  static final int PER_PASS = 20;

  private final RunStore store;
  private final RunOperationStore operations;
  private final RunService runs;
  private final String replica;
  private final Duration lease;
  private final Passes passes;

  RunReconciler(
      Vertx vertx,
      RunStore store,
      RunOperationStore operations,
      RunService runs,
      String replica,
      Duration lease,
      Duration interval) {
    this.store = store;
    this.operations = operations;
    this.runs = runs;
    this.replica = replica;
    this.lease = lease;
    this.passes = new Passes(vertx, interval, this::pass);
  }

  /** Completes after the first pass has claimed (not finished) what was free at start. */
  @Override
  public Future<Void> start() {
    return passes.start();
  }

  /**
   * Stops passing, stops following operations, and gives back every claim this console holds:
   * another console (or this one started again) takes them up without waiting for the lease.
   */
  @Override
  public Future<Void> stop() {
    return passes
        .stop()
        .compose(ok -> runs.stop())
        .compose(
            ok ->
                Future.join(operations.release(replica), store.releaseSubmissions(replica))
                    .<Void>mapEmpty()
                    .otherwise(
                        err -> {
                          LOG.warn("Claims not given back on stop: {}", err.getMessage());
                          return null;
                        }));
  }

  /** A pass now (or right after the one under way): the watcher saw work nobody holds. */
  public void hurry() {
    passes.now();
  }

  /**
   * Claims what is free and sets it going; a submission may take minutes (a bundle upload), so the
   * pass does not wait for them to end.
   */
  private Future<Boolean> pass() {
    Future<Integer> submissions =
        store
            .claimSubmissions(replica, lease, PER_PASS)
            .compose(ids -> Future.join(ids.stream().map(this::resume).toList()).map(ids.size()));
    Future<Integer> followed =
        operations
            .claimOrphans(replica, lease, PER_PASS)
            .map(
                claimed -> {
                  claimed.forEach(this::follow);
                  return claimed.size();
                });
    // as many as a pass may take: there may be more, go again at once
    return Future.join(submissions, followed)
        .map(all -> submissions.result() == PER_PASS || followed.result() == PER_PASS);
  }

  private Future<Void> resume(long runId) {
    return store
        .find(runId)
        .onSuccess(
            found ->
                found
                    .filter(run -> run.state() == RunState.SUBMITTING)
                    .ifPresent(
                        run ->
                            runs.resumeSubmission(run)
                                .onFailure(
                                    err ->
                                        LOG.warn(
                                            "Run {}: submission not resumed: {}",
                                            runId,
                                            err.getMessage()))))
        .mapEmpty();
  }

  private void follow(RunOperation op) {
    LOG.info(
        "Run {}: following its {} (trigger {}), which no console followed",
        op.runId(),
        op.kind(),
        op.triggerId());
    runs.followOperation(op);
  }

  /** What this console's claims are held under (for tests and logs). */
  String replica() {
    return replica;
  }
}
