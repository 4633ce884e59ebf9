package io.cdcconsole.run;

import io.cdcconsole.access.Principal;
import io.cdcconsole.cluster.ClusterClients;
import io.cdcconsole.cluster.ClusterService;
import io.cdcconsole.cluster.FlinkGateway;
import io.cdcconsole.cluster.FlinkGateway.OperationStatus;
import io.cdcconsole.cluster.FlinkRestClient.FlinkRestException;
import io.cdcconsole.error.Conflict;
import io.cdcconsole.error.ValidationFailed;
import io.cdcconsole.pipeline.PipelineService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operations on a run's job: cancel, stop with a savepoint, savepoint. Each stop or savepoint is
 * recorded (a {@code run_operation} row with the console's own trigger id, claimed by this console)
 * before Flink is asked, then followed until Flink says how it ended, or given up. Following renews
 * the claim's lease at every look; every result is written only while the claim still stands. An
 * operation this console stops following (it stops, it dies, its lease runs out) is taken up by a
 * reconciler ({@link RunReconciler}), here or on another console, from what is stored.
 */
final class RunOperations {
  private static final Logger LOG = LoggerFactory.getLogger(RunOperations.class);
  private static final Duration OPERATION_POLL = Duration.ofSeconds(1);

  /**
   * A status poll that fails is retried after 1 s, 2 s, 4 s ... at most this long apart (and at
   * most a third of the lease, which each look renews), until the give-up.
   */
  private static final Duration OPERATION_POLL_MAX_BACKOFF = Duration.ofSeconds(30);

  /**
   * A stop Flink refuses because not all tasks run yet is sent again: 1 s, 2 s, 4 s, 8 s later,
   * then it failed. The attempt is stored, so a console that takes the stop over goes on counting.
   */
  static final int STOP_ATTEMPTS = 5;

  private static final Duration STOP_RETRY_BACKOFF = Duration.ofSeconds(1);

  private final Vertx vertx;
  private final RunStore store;
  private final RunOperationStore operations;
  private final PipelineService pipelines;
  private final ClusterService clusters;
  private final ClusterClients clients;
  private final RunPolicy policy;
  private final RunCheckpoints checkpoints;
  private final Duration operationGiveUp;
  private final RunMoves moves;
  private final Clock clock;
  private final String replica;
  private final Duration lease;
  // the operations this console follows, each under the claim it holds (by operation id: its
  // fencing value), and the next look of each follow loop, cancelled when the console stops
  private final Map<Long, Long> following = new ConcurrentHashMap<>();
  private final Map<Claim.Fence, Long> nextLooks = new ConcurrentHashMap<>();
  private volatile boolean stopped;

  RunOperations(
      Vertx vertx,
      RunStore store,
      RunOperationStore operations,
      PipelineService pipelines,
      ClusterService clusters,
      ClusterClients clients,
      RunPolicy policy,
      RunCheckpoints checkpoints,
      Duration operationGiveUp,
      RunMoves moves,
      Clock clock,
      String replica,
      Duration lease) {
    this.vertx = vertx;
    this.store = store;
    this.operations = operations;
    this.pipelines = pipelines;
    this.clusters = clusters;
    this.clients = clients;
    this.policy = policy;
    this.checkpoints = checkpoints;
    this.operationGiveUp = operationGiveUp;
    this.moves = moves;
    this.clock = clock;
    this.replica = replica;
    this.lease = lease;
  }

  /**
   * Cancels the active run's job. A job Flink already ended is no error: the watcher records how it
   * ended. The job's latest checkpoint is read first, so the restore point a cancel leaves is the
   * newest Flink has.
   */
  Future<Run> cancel(Principal by, String pipelineRef) {
    return activeRun(pipelineRef)
        .compose(
            run ->
                flinkFor(run)
                    .compose(
                        flink ->
                            checkpoints
                                .fetch(flink, run)
                                .compose(latest -> flink.cancel(run.jobId()))
                                .compose(
                                    ok ->
                                        moves.moveTo(
                                            run,
                                            run.state(),
                                            RunState.CANCELLING,
                                            "console",
                                            "cancelled by " + by.username()))
                                .recover(err -> calm(err, run))
                                .map(moved -> run)));
  }

  /**
   * Stops with a savepoint (Flink's stop), or cancels when {@code savepoint} is false. Either way
   * the job's latest checkpoint is read first: should the savepoint fail, the restore point is
   * still the newest checkpoint.
   */
  Future<Run> stop(Principal by, String pipelineRef, RunService.StopOptions options) {
    if (!options.savepoint()) {
      return cancel(by, pipelineRef);
    }
    try {
      policy.checkPath("targetDirectory", options.targetDirectory());
    } catch (ValidationFailed e) {
      return Future.failedFuture(e);
    }
    return activeRun(pipelineRef)
        .compose(
            run ->
                flinkFor(run)
                    .compose(
                        flink -> {
                          RunOperation op =
                              newOperation(
                                  RunOperation.STOP,
                                  options.targetDirectory(),
                                  options.drain(),
                                  false);
                          return checkpoints
                              .fetch(flink, run)
                              .compose(latest -> begin(run, op))
                              .compose(
                                  stored ->
                                      trigger(flink, run, stored)
                                          .compose(
                                              accepted ->
                                                  moves.moveTo(
                                                      run,
                                                      run.state(),
                                                      RunState.STOPPING,
                                                      "console",
                                                      "stop with savepoint by " + by.username()))
                                          .onSuccess(moved -> follow(stored))
                                          .recover(
                                              err ->
                                                  refused(run, stored, err)
                                                      .compose(
                                                          ignored ->
                                                              Future.<Optional<Run>>failedFuture(
                                                                  err))))
                              .recover(err -> calm(err, run))
                              .map(moved -> run);
                        }));
  }

  /**
   * Triggers a savepoint of the running job; the path lands in the ledger when Flink has written
   * it.
   */
  Future<Run> savepoint(Principal by, String pipelineRef, Optional<String> targetDirectory) {
    try {
      policy.checkPath("targetDirectory", targetDirectory);
    } catch (ValidationFailed e) {
      return Future.failedFuture(e);
    }
    return activeRun(pipelineRef)
        .compose(
            run ->
                flinkFor(run)
                    .compose(
                        flink -> {
                          RunOperation op =
                              newOperation(RunOperation.SAVEPOINT, targetDirectory, false, false);
                          return begin(run, op)
                              .compose(
                                  stored ->
                                      trigger(flink, run, stored)
                                          .onSuccess(accepted -> follow(stored))
                                          .recover(
                                              err ->
                                                  refused(run, stored, err)
                                                      .compose(
                                                          ignored ->
                                                              Future.<Void>failedFuture(
                                                                  notTaken(run, err)))))
                              .map(ok -> run);
                        }));
  }

  /** Why a savepoint trigger was not taken, as the caller hears it. */
  private static Throwable notTaken(Run run, Throwable err) {
    if (err instanceof FlinkRestException f && (f.status() == 404 || f.status() == 409)) {
      return new Conflict(
          "Flink cannot take a savepoint of job "
              + run.jobId()
              + " now (HTTP "
              + f.status()
              + "): it is not running.");
    }
    if (err instanceof FlinkRestException || err instanceof io.cdcconsole.error.ApiError) {
      return err;
    }
    return new io.cdcconsole.error.Unavailable(
        "The cluster of run "
            + run.id()
            + " does not answer ("
            + FlinkErrors.describe(err)
            + "); the savepoint is followed and sent again while it is not known there.");
  }

  /**
   * Records the operation (claimed by this console) before Flink is asked, unless another one of
   * the run is under way: never two savepoints or stops in flight for one run (the database holds
   * at most one in progress per run). The one under way is followed and given up in time, so this
   * never blocks for long.
   */
  private Future<RunOperation> begin(Run run, RunOperation op) {
    return operations
        .begin(run.id(), op, replica, lease)
        .compose(
            begun ->
                begun.isPresent()
                    ? Future.succeededFuture(begun.get())
                    : Future.failedFuture(
                        new Conflict(
                            "A savepoint or stop of run "
                                + run.id()
                                + " is under way; try again when it"
                                + " has ended (it is given up after "
                                + operationGiveUp.toMinutes()
                                + " min at most).")));
  }

  /**
   * A periodic savepoint of a RUNNING run whose turn has come. The operation is recorded in the
   * database first (only when none is under way), so a run never has two in flight; then sent and
   * followed like a manual one.
   */
  Future<Void> periodicSavepoint(long runId) {
    RunOperation op = newOperation(RunOperation.SAVEPOINT, Optional.empty(), false, true);
    return operations
        .beginPeriodic(runId, op, replica, lease)
        .compose(
            begun ->
                begun.isEmpty()
                    ? Future.<Void>succeededFuture()
                    : store
                        .find(runId)
                        .compose(
                            found -> {
                              Run run = found.orElseThrow();
                              RunOperation stored = begun.get();
                              LOG.info(
                                  "Run {} of '{}': periodic savepoint, trigger {}",
                                  run.id(),
                                  run.pipelineName(),
                                  stored.triggerId());
                              return flinkFor(run)
                                  .compose(flink -> trigger(flink, run, stored))
                                  .onSuccess(accepted -> follow(stored))
                                  .<Void>mapEmpty()
                                  .recover(err -> refused(run, stored, err));
                            }));
  }

  /**
   * A savepoint or stop operation with a trigger id of the console's own (Flink's TriggerId: 32 hex
   * digits). It is written before Flink is asked, so an operation whose answer a crash swallowed is
   * still followed after the restart, and the same trigger sent again is the same operation: Flink
   * (1.17+) keeps one operation per job and trigger id.
   */
  private RunOperation newOperation(
      String kind, Optional<String> targetDirectory, boolean drain, boolean periodic) {
    return RunOperation.begin(
        kind, FlinkGateway.newId(), clock.instant(), targetDirectory, drain, periodic);
  }

  /**
   * Sends the operation's trigger to Flink; sending it again is harmless (same trigger id, same
   * operation).
   */
  private static Future<Void> trigger(FlinkGateway flink, Run run, RunOperation op) {
    return op.stop()
        ? flink.triggerStop(run.jobId(), op.triggerId(), op.drain(), op.targetDirectory())
        : flink.triggerSavepoint(run.jobId(), op.triggerId(), op.targetDirectory());
  }

  /**
   * The trigger was not accepted. Refused by Flink: the operation did not start. No answer (a
   * timeout, a lost connection): Flink may have started it, so it stays in progress and is followed
   * — found under its trigger id, or sent again as the same operation.
   */
  private Future<Void> refused(Run run, RunOperation op, Throwable err) {
    if (!(err instanceof FlinkRestException)) {
      follow(op);
      return Future.succeededFuture();
    }
    return moves
        .scrub(run, "not started: " + FlinkErrors.describe(err))
        .compose(why -> operations.failed(op, op.claim().fence(), run.pipelineId(), run.id(), why))
        .<Void>mapEmpty()
        .otherwiseEmpty();
  }

  /**
   * Follows an operation this console holds the claim of (it began it, or its reconciler took it
   * up): polls Flink for its trigger until Flink says it completed or failed.
   */
  void follow(RunOperation op) {
    // a claim taken again (its lease had run out while a look backed off) starts a loop under the
    // new fencing value; the old loop's next renewal is refused and it ends
    long fencing = op.claim().fencing();
    if (stopped || Long.valueOf(fencing).equals(following.put(op.id(), fencing))) {
      return;
    }
    poll(op.id(), op.claim().fence(), 0);
  }

  /**
   * One look at the operation. Each look renews the claim's lease and reads the operation as
   * stored; a look that finds the claim gone (another console took it) or the operation ended stops
   * following. It is given up {@code runs.operationGiveUp} after its recorded start, whether Flink
   * says it is still in progress or its status cannot be read at all; the give-up is written with
   * its reason. A look that fails (Flink or the database does not answer) is retried with a
   * back-off, never in a tight loop.
   */
  private void poll(long opId, Claim.Fence fence, int failures) {
    operations
        .renew(opId, fence, lease)
        .compose(
            current ->
                current.isEmpty()
                    ? Future.succeededFuture(Poll.DONE)
                    : store
                        .find(current.get().runId())
                        .compose(
                            found ->
                                found.isEmpty()
                                    ? Future.succeededFuture(Poll.DONE)
                                    : look(found.get(), current.get())))
        .onComplete(
            ar -> {
              if (ar.succeeded() && ar.result() == Poll.DONE) {
                following.remove(opId, fence.fencing());
                return;
              }
              int failed = ar.succeeded() ? 0 : failures + 1;
              long maxBackoff =
                  Math.max(
                      OPERATION_POLL.toMillis(),
                      Math.min(OPERATION_POLL_MAX_BACKOFF.toMillis(), lease.toMillis() / 3));
              long delay =
                  ar.succeeded()
                      ? OPERATION_POLL.toMillis()
                      : Math.min(OPERATION_POLL.toMillis() << Math.min(failed - 1, 16), maxBackoff);
              if (ar.failed()) {
                LOG.debug(
                    "Operation {}: status not read ({} in a row), next look in {} ms: {}",
                    opId,
                    failed,
                    delay,
                    ar.cause().getMessage());
              }
              if (stopped) {
                following.remove(opId, fence.fencing());
                return;
              }
              long timer =
                  vertx.setTimer(
                      delay,
                      id -> {
                        nextLooks.remove(fence);
                        poll(opId, fence, failed);
                      });
              nextLooks.put(fence, timer);
              if (stopped) {
                vertx.cancelTimer(timer);
              }
            });
  }

  private Future<Poll> look(Run run, RunOperation op) {
    Instant deadline = op.startedAt().plus(operationGiveUp);
    return flinkFor(run)
        .compose(
            flink ->
                flink
                    .savepointStatus(run.jobId(), op.triggerId())
                    .recover(err -> unknownTrigger(flink, run, op, err))
                    .compose(
                        status -> {
                          if (status.completed()) {
                            return operationDone(run, op, status)
                                .map(done -> done ? Poll.DONE : Poll.PENDING);
                          }
                          return clock.instant().isAfter(deadline)
                              ? giveUp(
                                  run,
                                  op,
                                  "Flink had not completed it "
                                      + operationGiveUp.toSeconds()
                                      + " s after it started")
                              : Future.succeededFuture(Poll.PENDING);
                        }))
        .recover(
            err ->
                clock.instant().isAfter(deadline)
                    ? giveUp(
                        run,
                        op,
                        "its status could not be read for "
                            + operationGiveUp.toSeconds()
                            + " s ("
                            + FlinkErrors.describe(err)
                            + ")")
                    : Future.failedFuture(err));
  }

  /**
   * No further look at any operation: the console is stopping (the claims are given back by the
   * reconciler; the next start, or another console, follows them again from what is stored).
   */
  Future<Void> stop() {
    stopped = true;
    nextLooks.values().forEach(vertx::cancelTimer);
    nextLooks.clear();
    following.clear();
    return Future.succeededFuture();
  }

  private enum Poll {
    DONE,
    PENDING
  }

  /**
   * The operation did not end in time: it is written as failed, with the reason, and leaves the
   * ledger a FAILED entry.
   */
  private Future<Poll> giveUp(Run run, RunOperation op, String reason) {
    String why = op.kind() + " given up: " + reason;
    LOG.warn("Run {} of '{}': {} (trigger {})", run.id(), run.pipelineName(), why, op.triggerId());
    return operationFailed(run, op, why).map(Poll.DONE);
  }

  /**
   * Flink does not know the trigger (404): the console died between recording the operation and
   * sending it, or Flink restarted. The same trigger is sent again; when the job cannot take it any
   * more the operation failed.
   */
  private Future<OperationStatus> unknownTrigger(
      FlinkGateway flink, Run run, RunOperation op, Throwable err) {
    if (!(err instanceof FlinkRestException f) || f.status() != 404) {
      return Future.failedFuture(err);
    }
    LOG.info(
        "Run {} of '{}': Flink does not know {} trigger {}: sending it again",
        run.id(),
        run.pipelineName(),
        op.kind(),
        op.triggerId());
    return trigger(flink, run, op)
        .map(OperationStatus.inProgress())
        .recover(
            again ->
                again instanceof FlinkRestException r && (r.status() == 404 || r.status() == 409)
                    ? Future.succeededFuture(
                        OperationStatus.failed(
                            "the job is not running any more (HTTP " + r.status() + ")"))
                    : Future.failedFuture(again));
  }

  /**
   * Records how the operation ended (the savepoint in the ledger with it, once: only the claim's
   * holder writes); answers false when it goes on (a refused stop sent again).
   */
  private Future<Boolean> operationDone(Run run, RunOperation op, OperationStatus result) {
    String location = result.location().orElse(null);
    if (location != null) {
      return operations
          .completed(op, op.claim().fence(), run.pipelineId(), run.id(), location)
          .onSuccess(
              written -> {
                if (written) {
                  LOG.info(
                      "Run {} of '{}': {} wrote savepoint {}",
                      run.id(),
                      run.pipelineName(),
                      op.kind(),
                      location);
                }
              })
          .map(true);
    }
    String cause = result.failure().orElse("unknown cause");
    String flinkWhy = op.kind() + " failed: " + FlinkErrors.firstLine(cause);
    if (op.stop()
        && op.attempt() < STOP_ATTEMPTS
        && cause.contains("Not all required tasks are currently running")) {
      return stopAgain(run, op)
          .recover(
              err ->
                  operationFailed(
                      run,
                      op,
                      flinkWhy
                          + " (sent "
                          + op.attempt()
                          + " times; sending it again failed: "
                          + FlinkErrors.describe(err)
                          + ")"));
    }
    return operationFailed(run, op, flinkWhy);
  }

  /**
   * Flink takes a savepoint only when every task of the job runs, which a job just called RUNNING
   * may not do yet: the stop is sent again after a back-off, under a new trigger id (Flink keeps
   * the refused operation under the old one and would answer it again), and the run says so (its
   * operation's {@code error}) meanwhile.
   */
  private Future<Boolean> stopAgain(Run run, RunOperation op) {
    long backoff = STOP_RETRY_BACKOFF.toMillis() << (op.attempt() - 1);
    String note =
        "stop attempt "
            + op.attempt()
            + " refused by Flink: not all tasks of the job run yet; "
            + "sending it again in "
            + backoff
            + " ms";
    LOG.info("Run {} of '{}': {}", run.id(), run.pipelineName(), note);
    return operations
        .retrigger(op, op.claim().fence(), FlinkGateway.newId(), note)
        .compose(
            again ->
                again.isEmpty()
                    ? Future.succeededFuture(true) // no longer this console's to follow
                    : vertx
                        .timer(backoff)
                        .compose(ok -> flinkFor(run))
                        .compose(flink -> trigger(flink, run, again.get()))
                        .map(false));
  }

  private Future<Boolean> operationFailed(Run run, RunOperation op, String flinkWhy) {
    // Flink's text, like a runtime failure cause, is scrubbed of the run's secrets before it is
    // kept
    return moves
        .scrub(run, flinkWhy)
        .compose(
            why ->
                operations
                    .failed(op, op.claim().fence(), run.pipelineId(), run.id(), why)
                    .compose(
                        written ->
                            !written
                                ? Future.succeededFuture()
                                : store
                                    .error(run.id(), why)
                                    // a failed stop leaves the job running: the watcher moves
                                    // STOPPING back to what Flink reports
                                    .compose(
                                        ok ->
                                            run.state() == RunState.STOPPING
                                                ? moves
                                                    .moveTo(
                                                        run,
                                                        RunState.STOPPING,
                                                        RunState.RUNNING,
                                                        "console",
                                                        why)
                                                    .mapEmpty()
                                                : Future.succeededFuture())))
        .map(true);
  }

  /**
   * Flink's 404/409 for a job that already ended: nothing to do, the watcher settles the run. A
   * cluster that does not answer is an outage for the caller to retry (503), not an internal error.
   */
  private static Future<Optional<Run>> calm(Throwable err, Run run) {
    if (err instanceof FlinkRestException f && (f.status() == 404 || f.status() == 409)) {
      return Future.succeededFuture(Optional.of(run));
    }
    if (!(err instanceof FlinkRestException) && !(err instanceof io.cdcconsole.error.ApiError)) {
      return Future.failedFuture(
          new io.cdcconsole.error.Unavailable(
              "The cluster of run "
                  + run.id()
                  + " does not answer ("
                  + FlinkErrors.describe(err)
                  + "); the run is unchanged, try again when it is back."));
    }
    return Future.failedFuture(err);
  }

  private Future<Run> activeRun(String pipelineRef) {
    return pipelines
        .get(pipelineRef)
        .compose(
            p ->
                store
                    .active(p.id())
                    .compose(
                        active -> {
                          if (active.isEmpty()) {
                            return Future.failedFuture(
                                new Conflict("Pipeline '" + p.name() + "' has no active run."));
                          }
                          if (active.get().state() == RunState.SUBMITTING) {
                            return Future.failedFuture(
                                new Conflict(
                                    "The run is still being submitted; try again in a moment."));
                          }
                          return Future.succeededFuture(active.get());
                        }));
  }

  /**
   * The Flink API of the cluster the run was started on (clients are cached per cluster version).
   */
  private Future<FlinkGateway> flinkFor(Run run) {
    return clusters.find(run.clusterId()).compose(clients::gateway);
  }
}
