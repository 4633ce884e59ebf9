package io.cdcconsole.run;

import io.cdcconsole.access.Principal;
import io.cdcconsole.cluster.Cluster;
import io.cdcconsole.cluster.ClusterClients;
import io.cdcconsole.cluster.ClusterService;
import io.cdcconsole.cluster.FlinkGateway;
import io.cdcconsole.cluster.FlinkGateway.JarRun;
import io.cdcconsole.cluster.FlinkRestClient.FlinkRestException;
import io.cdcconsole.error.Conflict;
import io.cdcconsole.error.ValidationFailed;
import io.cdcconsole.pipeline.PipelineService;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The submission saga: a start writes the run (SUBMITTING, with its JobID) before Flink is called
 * and answers at once; then the YAML is resolved, the launcher bundle uploaded if the cluster lacks
 * it, and the jar run. Ambiguous failures (no answer) are resolved by asking Flink for the JobID.
 *
 * <p>At most one submission per run at a time, on any console: the run is written claimed by the
 * console that starts it, the claim's lease is renewed while the submission goes on, and its end is
 * written only while the claim still stands. A SUBMITTING run nobody holds (its console died, or
 * gave it up because Flink did not answer) is taken up by a reconciler ({@link #resume}).
 */
final class RunSubmission {
  private static final Logger LOG = LoggerFactory.getLogger(RunSubmission.class);

  private final RunStore store;
  private final PipelineService pipelines;
  private final ClusterService clusters;
  private final ClusterClients clients;
  private final LaunchBundles bundles;
  private final LauncherUploads launcher;
  private final LaunchTickets tickets;
  private final SubmitYaml submitYaml;
  private final Supplier<String> consoleUrl;
  private final RunPolicy policy;
  private final RunMoves moves;
  private final io.vertx.core.Vertx vertx;
  private final String replica;
  private final java.time.Duration lease;

  RunSubmission(
      RunStore store,
      PipelineService pipelines,
      ClusterService clusters,
      ClusterClients clients,
      LaunchBundles bundles,
      LauncherUploads launcher,
      LaunchTickets tickets,
      SubmitYaml submitYaml,
      Supplier<String> consoleUrl,
      RunPolicy policy,
      RunMoves moves,
      io.vertx.core.Vertx vertx,
      String replica,
      java.time.Duration lease) {
    this.store = store;
    this.pipelines = pipelines;
    this.clusters = clusters;
    this.clients = clients;
    this.bundles = bundles;
    this.launcher = launcher;
    this.tickets = tickets;
    this.submitYaml = submitYaml;
    this.consoleUrl = consoleUrl;
    this.policy = policy;
    this.moves = moves;
    this.vertx = vertx;
    this.replica = replica;
    this.lease = lease;
  }

  /**
   * Starts the pipeline's current version. A restore point is never dropped silently: without
   * {@code fromSavepoint} a pipeline that has one is refused. The same {@code Idempotency-Key}
   * answers the run it started before.
   */
  Future<Run> start(
      Principal by,
      String pipelineRef,
      RunService.StartOptions options,
      Optional<String> idempotencyKey) {
    try {
      policy.checkConfiguration(options.flinkConfiguration());
      policy.checkPath(
          "fromSavepoint",
          options.fromSavepoint().filter(s -> !"none".equals(s) && !"latest".equals(s)));
    } catch (ValidationFailed e) {
      return Future.failedFuture(e);
    }
    return pipelines
        .get(pipelineRef)
        .compose(
            pipeline ->
                clusters
                    .find(pipeline.clusterId())
                    .compose(
                        cluster -> {
                          // refused before anything reaches Flink: the job could only fail there,
                          // with a class-loading error
                          Optional<String> misfit = clusters.misfit(cluster);
                          if (misfit.isPresent()) {
                            return Future.failedFuture(
                                ValidationFailed.of(
                                    "cluster",
                                    "cannot run on cluster '"
                                        + cluster.name()
                                        + "': "
                                        + misfit.get()));
                          }
                          Future<Optional<Run>> earlier =
                              idempotencyKey.isEmpty()
                                  ? Future.succeededFuture(Optional.empty())
                                  : store.findByIdempotencyKey(pipeline.id(), idempotencyKey.get());
                          return earlier.compose(
                              found ->
                                  found.isPresent()
                                      ? Future.succeededFuture(found.get())
                                      : store
                                          .active(pipeline.id())
                                          .compose(
                                              active -> {
                                                if (active.isPresent()) {
                                                  return Future.failedFuture(
                                                      new Conflict(
                                                          "Pipeline '"
                                                              + pipeline.name()
                                                              + "' has an active run ("
                                                              + active.get().id()
                                                              + ", "
                                                              + active.get().state()
                                                              + "); stop or cancel it first."));
                                                }
                                                return store
                                                    .restorePoint(pipeline.id())
                                                    .compose(
                                                        restore ->
                                                            savepointFor(
                                                                options.fromSavepoint(), restore))
                                                    .compose(
                                                        savepoint ->
                                                            store.insertSubmitting(
                                                                new RunStore.NewRun(
                                                                    pipeline.id(),
                                                                    pipeline.version(),
                                                                    pipeline.clusterId(),
                                                                    FlinkGateway.newId(),
                                                                    savepoint.orElse(null),
                                                                    options.allowNonRestoredState(),
                                                                    options.flinkConfiguration(),
                                                                    idempotencyKey.orElse(null),
                                                                    by.username()),
                                                                replica,
                                                                lease))
                                                    .map(
                                                        moved -> {
                                                          moves
                                                              .events()
                                                              .changed(moved.transition());
                                                          submit(moved.run());
                                                          return moved.run();
                                                        });
                                              }));
                        }))
        .recover(err -> replayed(pipelineRef, idempotencyKey, err));
  }

  /**
   * A start refused with a conflict, perhaps because another with the same key (on this or another
   * replica) was inserted meanwhile (the unique key on it, or its now active run, refused this
   * one): that run is the answer. Else the failure stands.
   */
  private Future<Run> replayed(String pipelineRef, Optional<String> idempotencyKey, Throwable err) {
    if (idempotencyKey.isEmpty() || !(err instanceof Conflict)) {
      return Future.failedFuture(err);
    }
    return pipelines
        .get(pipelineRef)
        .compose(pipeline -> store.findByIdempotencyKey(pipeline.id(), idempotencyKey.get()))
        .transform(
            found ->
                found.succeeded() && found.result().isPresent()
                    ? Future.succeededFuture(found.result().get())
                    : Future.failedFuture(err));
  }

  private static Future<Optional<String>> savepointFor(
      Optional<String> asked, Optional<String> restorePoint) {
    if (asked.isEmpty()) {
      return restorePoint.isEmpty()
          ? Future.succeededFuture(Optional.empty())
          : Future.failedFuture(
              ValidationFailed.of(
                  "fromSavepoint",
                  "the pipeline has a restore point ("
                      + restorePoint.get()
                      + "): say 'latest' to start from it, or 'none' to start without state"));
    }
    return switch (asked.get()) {
      case "none" -> Future.succeededFuture(Optional.empty());
      case "latest" -> Future.succeededFuture(restorePoint);
      default -> Future.succeededFuture(asked);
    };
  }

  /**
   * A SUBMITTING run whose submission this console has just claimed from nobody (a reconciler's
   * pass): Flink is asked for its JobID first — found, the run is tracked; unknown, it is submitted
   * again with the same JobID; no answer, the claim is given back for a later pass.
   */
  Future<Void> resume(Run run) {
    Claim.Fence fence = run.submission().fence();
    return clusters
        .find(run.clusterId())
        .compose(clients::gateway)
        .compose(
            flink ->
                flink
                    .job(run.jobId())
                    .compose(
                        found ->
                            moves
                                .submitted(
                                    run,
                                    fence,
                                    RunState.INITIALIZING,
                                    "reconcile",
                                    "Flink has the job: tracking it",
                                    null)
                                .<Void>mapEmpty(),
                        err -> {
                          if (err instanceof FlinkRestException f && f.status() == 404) {
                            LOG.info(
                                "Run {} of '{}' is SUBMITTING and Flink does not know job {}: "
                                    + "submitting it again with the same JobID",
                                run.id(),
                                run.pipelineName(),
                                run.jobId());
                            return submit(run);
                          }
                          return Future.failedFuture(err);
                        }))
        .recover(
            err ->
                store
                    .releaseSubmission(run.id(), fence, null)
                    .<Void>mapEmpty()
                    .onComplete(
                        ar ->
                            LOG.debug(
                                "Run {}: its cluster does not answer ({}); the submission waits",
                                run.id(),
                                FlinkErrors.describe(err))));
  }

  /**
   * Submits a SUBMITTING run whose submission this console holds (the run as claimed: {@link
   * Run#submission}): resolves the YAML, makes sure the cluster has the launcher, runs it. The
   * claim's lease is renewed until the submission has ended; its end is written only while the
   * claim stands.
   */
  Future<Void> submit(Run run) {
    Claim.Fence fence = run.submission().fence();
    LeaseKeeper keeper =
        LeaseKeeper.keep(
            vertx,
            lease,
            "Run " + run.id() + " submission",
            () -> store.renewSubmission(run.id(), fence, lease));
    // the secrets are known before anything can fail with them in its message; every failure after
    // is scrubbed
    return pipelines
        .version(Long.toString(run.pipelineId()), run.pipelineVersion())
        .compose(
            version ->
                submitYaml
                    .secretsOf(version.yaml())
                    .compose(
                        known ->
                            submitWith(run, fence, version.yaml(), known)
                                .recover(
                                    err ->
                                        fail(
                                            run,
                                            fence,
                                            Scrubber.scrub(FlinkErrors.describe(err), known)))))
        .recover(err -> fail(run, fence, FlinkErrors.describe(err)))
        .eventually(
            () -> {
              keeper.stop();
              return Future.succeededFuture();
            })
        .mapEmpty();
  }

  private Future<Void> submitWith(
      Run run, Claim.Fence fence, String storedYaml, Set<String> known) {
    return clusters
        .find(run.clusterId())
        .compose(
            cluster ->
                clients
                    .gateway(cluster)
                    .compose(
                        flink ->
                            submitYaml
                                .resolve(storedYaml, run.pipelineName(), known)
                                .compose(
                                    resolved ->
                                        runJar(run, fence, cluster, flink, resolved)
                                            .recover(
                                                err ->
                                                    submitFailed(
                                                        run,
                                                        fence,
                                                        flink,
                                                        resolved.scrub(FlinkErrors.describe(err)),
                                                        err)))));
  }

  private Future<Void> runJar(
      Run run,
      Claim.Fence fence,
      Cluster cluster,
      FlinkGateway flink,
      SubmitYaml.Resolved resolved) {
    // the YAML goes as the program argument only when it holds no secret; else the launcher fetches
    // it with a ticket (a new one for each attempt: a ticket serves one fetch)
    List<String> issued = new ArrayList<>();
    Supplier<Future<String>> argument =
        () ->
            resolved.secrets().isEmpty()
                ? Future.succeededFuture(resolved.yaml())
                : tickets
                    .issue(run.id(), resolved.yaml(), resolved.secrets())
                    .map(
                        ticket -> {
                          issued.add(ticket);
                          return consoleUrl.get() + LaunchTickets.PATH + ticket;
                        });
    return argument
        .get()
        .compose(
            first -> {
              JarRun jarRun =
                  new JarRun(
                      LauncherJar.ENTRY_CLASS,
                      first,
                      run.jobId(),
                      run.allowNonRestoredState(),
                      run.flinkConfig(),
                      Optional.ofNullable(run.fromSavepoint()));
              return bundles
                  .forRun(cluster, resolved.connectorTypes())
                  .compose(
                      bundle ->
                          launcher
                              .jarId(cluster.id(), flink, bundle)
                              .compose(jarId -> flink.runJar(jarId, jarRun))
                              .recover(
                                  err -> {
                                    if (jarMissing(err)) {
                                      // the JobManager lost its uploaded jars (a restart): upload
                                      // again and retry once
                                      launcher.forget(cluster.id());
                                      return argument
                                          .get()
                                          .compose(
                                              again ->
                                                  launcher
                                                      .jarId(cluster.id(), flink, bundle)
                                                      .compose(
                                                          jarId ->
                                                              flink.runJar(
                                                                  jarId,
                                                                  jarRun.withArgument(again))));
                                    }
                                    return Future.failedFuture(err);
                                  }));
            })
        // Flink answered with a refusal: the launcher's main has ended, so its ticket's secrets
        // leave the database now.
        // After a timeout the main may still be about to fetch it; the sweep takes it then.
        .onFailure(
            err -> {
              if (err instanceof FlinkRestException) {
                issued.forEach(tickets::revoke);
              }
            })
        .compose(
            answer ->
                moves.submitted(
                    run, fence, RunState.INITIALIZING, "console", "accepted by Flink", null))
        .mapEmpty();
  }

  /**
   * Flink answers 404, or 500 "Jar file ... does not exist", for an uploaded jar it no longer has.
   */
  private static boolean jarMissing(Throwable err) {
    return err instanceof FlinkRestException f
        && (f.status() == 404
            || f.errors().stream()
                .anyMatch(e -> e.contains("Jar file") && e.contains("does not exist")));
  }

  /**
   * A submission that failed. Flink is asked for the JobID before the run is called failed: after a
   * timeout or a broken connection Flink may have taken the job, and a refusal may be Flink's
   * answer to a JobID it runs already (submitted by a console that lost its claim). No answer at
   * all: the claim is given back with the error, and a reconciler resolves the run once the cluster
   * answers.
   */
  private Future<Void> submitFailed(
      Run run, Claim.Fence fence, FlinkGateway flink, String cause, Throwable err) {
    if (err instanceof ValidationFailed) {
      return fail(run, fence, cause);
    }
    return flink
        .job(run.jobId())
        .compose(
            job ->
                moves
                    .submitted(
                        run,
                        fence,
                        RunState.INITIALIZING,
                        "console",
                        "accepted by Flink (found after: " + cause + ")",
                        null)
                    .mapEmpty(),
            notThere ->
                notThere instanceof FlinkRestException f && f.status() == 404
                    ? fail(run, fence, cause)
                    : store.releaseSubmission(run.id(), fence, cause).mapEmpty());
  }

  private Future<Void> fail(Run run, Claim.Fence fence, String cause) {
    RunLog.of(LOG.atWarn(), run)
        .log(
            "Run {} of pipeline '{}' could not be submitted: {}",
            run.id(),
            run.pipelineName(),
            cause);
    return moves
        .submitted(run, fence, RunState.FAILED_TO_SUBMIT, "console", cause, cause)
        .mapEmpty();
  }
}
