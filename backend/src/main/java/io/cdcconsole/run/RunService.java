package io.cdcconsole.run;

import io.cdcconsole.access.Principal;
import io.cdcconsole.cluster.ClusterClients;
import io.cdcconsole.cluster.ClusterService;
import io.cdcconsole.lifecycle.Background;
import io.cdcconsole.pipeline.PipelineService;
import io.cdcconsole.store.Page;
import io.cdcconsole.store.PageRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The run wing's face to routes, DolphinScheduler and the watcher: each call goes to the class that
 * does that job — {@link RunSubmission} (start, submit), {@link RunOperations} (cancel, stop,
 * savepoints), {@link RunAdoption} (orphans), {@link RunQueries} (reads). What Flink then does is
 * observed by {@link RunWatcher}; what nobody works on any more (a console died) is taken up by
 * {@link RunReconciler}.
 */
public final class RunService implements Background {
  /** How to start: from which state and with which Flink settings. */
  public record StartOptions(
      Optional<String> fromSavepoint,
      boolean allowNonRestoredState,
      JsonObject flinkConfiguration) {}

  /**
   * How to stop: with a savepoint (Flink's stop) or by cancelling; {@code drain} ends event time
   * first.
   */
  public record StopOptions(boolean savepoint, boolean drain, Optional<String> targetDirectory) {}

  private final RunPolicy policy;
  private final RunMoves moves;
  private final RunSubmission submission;
  private final RunOperations operations;
  private final RunAdoption adoption;
  private final RunQueries queries;

  RunService(
      Vertx vertx,
      RunStore store,
      PipelineService pipelines,
      ClusterService clusters,
      ClusterClients clients,
      LaunchBundles bundles,
      LauncherUploads launcher,
      LaunchTickets tickets,
      SubmitYaml submitYaml,
      RunEvents events,
      Supplier<String> consoleUrl,
      RunPolicy policy,
      RunCheckpoints checkpoints,
      Duration operationGiveUp,
      Clock clock,
      RunOperationStore operationStore,
      String replica,
      Duration lease) {
    this.policy = policy;
    this.moves = new RunMoves(store, events, pipelines, submitYaml);
    this.submission =
        new RunSubmission(
            store,
            pipelines,
            clusters,
            clients,
            bundles,
            launcher,
            tickets,
            submitYaml,
            consoleUrl,
            policy,
            moves,
            vertx,
            replica,
            lease);
    this.operations =
        new RunOperations(
            vertx,
            store,
            operationStore,
            pipelines,
            clusters,
            clients,
            policy,
            checkpoints,
            operationGiveUp,
            moves,
            clock,
            replica,
            lease);
    this.adoption = new RunAdoption(store, pipelines, clusters, clients, events);
    this.queries = new RunQueries(store, pipelines, clusters, checkpoints);
  }

  /** What operators may hand to Flink; the DS endpoints check with it before looking at runs. */
  public RunPolicy policy() {
    return policy;
  }

  /**
   * Starts the pipeline's current version. A restore point is never dropped silently: without
   * {@code fromSavepoint} a pipeline that has one is refused. The same {@code Idempotency-Key}
   * answers the run it started before.
   */
  public Future<Run> start(
      Principal by, String pipelineRef, StartOptions options, Optional<String> idempotencyKey) {
    return submission.start(by, pipelineRef, options, idempotencyKey);
  }

  public Future<Run> cancel(Principal by, String pipelineRef) {
    return operations.cancel(by, pipelineRef);
  }

  public Future<Run> stop(Principal by, String pipelineRef, StopOptions options) {
    return operations.stop(by, pipelineRef, options);
  }

  public Future<Run> savepoint(Principal by, String pipelineRef, Optional<String> targetDirectory) {
    return operations.savepoint(by, pipelineRef, targetDirectory);
  }

  public Future<java.util.List<Orphan>> orphans() {
    return adoption.orphans();
  }

  public Future<Run> adopt(Principal by, String pipelineRef, String jobId) {
    return adoption.adopt(by, pipelineRef, jobId);
  }

  public Future<Page<RunTransition>> transitions(Optional<String> pipelineRef, PageRequest page) {
    return queries.transitions(pipelineRef, page);
  }

  public Future<Page<Run>> list(String pipelineRef, PageRequest page) {
    return queries.list(pipelineRef, page);
  }

  public Future<Run> get(long runId) {
    return queries.get(runId);
  }

  public Future<RunDetails> details(long runId) {
    return queries.details(runId);
  }

  public Future<SavepointLedger> ledger(String pipelineRef) {
    return queries.ledger(pipelineRef);
  }

  // what the reconciler and the savepoint timer ask of the run wing

  /** A SUBMITTING run whose submission this console just claimed: tracked or submitted again. */
  Future<Void> resumeSubmission(Run run) {
    return submission.resume(run);
  }

  /** An operation this console just claimed: followed until it ends (or its claim is lost). */
  void followOperation(RunOperation op) {
    operations.follow(op);
  }

  /** Nothing to start: operations are followed as they begin or as the reconciler claims them. */
  @Override
  public Future<Void> start() {
    return Future.succeededFuture();
  }

  /** Cancels the next look of every operation followed (their claims are given back apart). */
  @Override
  public Future<Void> stop() {
    return operations.stop();
  }

  Future<Void> periodicSavepoint(long runId) {
    return operations.periodicSavepoint(runId);
  }

  Future<String> scrub(Run run, String text) {
    return moves.scrub(run, text);
  }

  RunEvents events() {
    return moves.events();
  }

  Future<Optional<Run>> moveTo(Run run, RunState from, RunState to, String source, String detail) {
    return moves.moveTo(run, from, to, source, detail);
  }

  /** A move the watcher of the run's cluster saw, recorded only under its {@code lease}. */
  Future<Optional<Run>> observed(
      Run run,
      io.cdcconsole.cluster.ClusterLease lease,
      RunState to,
      String source,
      String detail) {
    return moves.observed(run, lease, to, source, detail);
  }
}
