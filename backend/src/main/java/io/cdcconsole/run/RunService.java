package io.cdcconsole.run;

import io.cdcconsole.access.Principal;
import io.cdcconsole.cluster.Cluster;
import io.cdcconsole.cluster.ClusterClients;
import io.cdcconsole.cluster.ClusterService;
import io.cdcconsole.cluster.FlinkGateway;
import io.cdcconsole.cluster.FlinkGateway.JarRun;
import io.cdcconsole.cluster.FlinkGateway.OperationStatus;
import io.cdcconsole.cluster.FlinkRestClient.FlinkRestException;
import io.cdcconsole.error.Conflict;
import io.cdcconsole.error.NotFound;
import io.cdcconsole.error.ValidationFailed;
import io.cdcconsole.pipeline.Pipeline;
import io.cdcconsole.pipeline.PipelineService;
import io.cdcconsole.store.Page;
import io.cdcconsole.store.PageRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starting and controlling runs. A start writes the run (SUBMITTING, with the JobID) before Flink is called and
 * answers at once; submission, stops and savepoints finish in the background. What Flink then does is observed by
 * {@link RunWatcher}.
 */
public final class RunService {
  private static final Logger LOG = LoggerFactory.getLogger(RunService.class);
  private static final Duration OPERATION_POLL = Duration.ofSeconds(1);
  /** A status poll that fails is retried after 1 s, 2 s, 4 s ... at most this long apart, until the give-up. */
  private static final Duration OPERATION_POLL_MAX_BACKOFF = Duration.ofSeconds(30);
  /** A stop Flink refuses because not all tasks run yet is sent again: 1 s, 2 s, 4 s, 8 s later, then it failed. */
  private static final int STOP_ATTEMPTS = 5;
  private static final Duration STOP_RETRY_BACKOFF = Duration.ofSeconds(1);

  /** How to start: from which state and with which Flink settings. */
  public record StartOptions(Optional<String> fromSavepoint, boolean allowNonRestoredState, JsonObject flinkConfiguration) {}

  /** How to stop: with a savepoint (Flink's stop) or by cancelling; {@code drain} ends event time first. */
  public record StopOptions(boolean savepoint, boolean drain, Optional<String> targetDirectory) {}

  private final Vertx vertx;
  private final RunStore store;
  private final PipelineService pipelines;
  private final ClusterService clusters;
  private final ClusterClients clients;
  private final LaunchBundles bundles;
  private final LauncherUploads launcher;
  private final LaunchTickets tickets;
  private final SubmitYaml submitYaml;
  private final RunEvents events;
  private final Supplier<String> consoleUrl;
  private final RunPolicy policy;
  private final RunCheckpoints checkpoints;
  private final Duration operationGiveUp;
  private final SecureRandom random = new SecureRandom();
  private final Set<Long> submitting = ConcurrentHashMap.newKeySet();
  private final Set<Long> operating = ConcurrentHashMap.newKeySet();
  // the options of stops under way, to send them again (kept in memory: after a restart a refused stop just fails)
  private final java.util.Map<Long, StopAttempt> stops = new ConcurrentHashMap<>();

  private record StopAttempt(StopOptions options, int attempt) {}

  RunService(Vertx vertx, RunStore store, PipelineService pipelines, ClusterService clusters, ClusterClients clients,
             LaunchBundles bundles, LauncherUploads launcher, LaunchTickets tickets, SubmitYaml submitYaml, RunEvents events,
             Supplier<String> consoleUrl, RunPolicy policy, RunCheckpoints checkpoints, Duration operationGiveUp) {
    this.vertx = vertx;
    this.store = store;
    this.pipelines = pipelines;
    this.clusters = clusters;
    this.clients = clients;
    this.bundles = bundles;
    this.launcher = launcher;
    this.tickets = tickets;
    this.submitYaml = submitYaml;
    this.events = events;
    this.consoleUrl = consoleUrl;
    this.policy = policy;
    this.checkpoints = checkpoints;
    this.operationGiveUp = operationGiveUp;
  }

  /** What operators may hand to Flink; the DS endpoints check with it before looking at runs. */
  public RunPolicy policy() {
    return policy;
  }

  /**
   * Starts the pipeline's current version. A restore point is never dropped silently: without {@code fromSavepoint}
   * a pipeline that has one is refused. The same {@code Idempotency-Key} answers the run it started before.
   */
  public Future<Run> start(Principal by, String pipelineRef, StartOptions options, Optional<String> idempotencyKey) {
    try {
      policy.checkConfiguration(options.flinkConfiguration());
      policy.checkPath("fromSavepoint", options.fromSavepoint().filter(s -> !"none".equals(s) && !"latest".equals(s)));
    } catch (ValidationFailed e) {
      return Future.failedFuture(e);
    }
    return pipelines.get(pipelineRef).compose(pipeline -> clusters.find(pipeline.clusterId()).compose(cluster -> {
      // refused before anything reaches Flink: the job could only fail there, with a class-loading error
      Optional<String> misfit = clusters.misfit(cluster);
      if (misfit.isPresent()) {
        return Future.failedFuture(ValidationFailed.of("cluster", "cannot run on cluster '" + cluster.name() + "': "
            + misfit.get()));
      }
      Future<Optional<Run>> earlier = idempotencyKey.isEmpty() ? Future.succeededFuture(Optional.empty())
          : store.findByIdempotencyKey(pipeline.id(), idempotencyKey.get());
      return earlier.compose(found -> found.isPresent() ? Future.succeededFuture(found.get())
          : store.active(pipeline.id()).compose(active -> {
            if (active.isPresent()) {
              return Future.failedFuture(new Conflict("Pipeline '" + pipeline.name() + "' has an active run ("
                  + active.get().id() + ", " + active.get().state() + "); stop or cancel it first."));
            }
            return store.restorePoint(pipeline.id())
                .compose(restore -> savepointFor(options.fromSavepoint(), restore))
                .compose(savepoint -> store.insertSubmitting(new RunStore.NewRun(pipeline.id(), pipeline.version(),
                    pipeline.clusterId(), newJobId(), savepoint.orElse(null), options.allowNonRestoredState(),
                    options.flinkConfiguration(), idempotencyKey.orElse(null), by.username())))
                .map(moved -> {
                  events.changed(moved.transition());
                  submit(moved.run());
                  return moved.run();
                });
          }));
    }));
  }

  private static Future<Optional<String>> savepointFor(Optional<String> asked, Optional<String> restorePoint) {
    if (asked.isEmpty()) {
      return restorePoint.isEmpty() ? Future.succeededFuture(Optional.empty())
          : Future.failedFuture(ValidationFailed.of("fromSavepoint", "the pipeline has a restore point ("
              + restorePoint.get() + "): say 'latest' to start from it, or 'none' to start without state"));
    }
    return switch (asked.get()) {
      case "none" -> Future.succeededFuture(Optional.empty());
      case "latest" -> Future.succeededFuture(restorePoint);
      default -> Future.succeededFuture(asked);
    };
  }

  /**
   * Submits a SUBMITTING run with its JobID: resolves the YAML, makes sure the cluster has the launcher, runs it.
   * Also used after a crash for a run Flink does not know ({@link RunWatcher}); at most one submission per run at a time.
   */
  Future<Void> submit(Run run) {
    if (!submitting.add(run.id())) {
      return Future.succeededFuture();
    }
    // the secrets are known before anything can fail with them in its message; every failure after is scrubbed
    return pipelines.version(Long.toString(run.pipelineId()), run.pipelineVersion())
        .compose(version -> submitYaml.secretsOf(version.yaml())
            .compose(known -> submitWith(run, version.yaml(), known)
                .recover(err -> fail(run, Scrubber.scrub(describe(err), known)))))
        .recover(err -> fail(run, describe(err)))
        .eventually(() -> {
          submitting.remove(run.id());
          return Future.succeededFuture();
        })
        .mapEmpty();
  }

  /**
   * {@code text} without the run's plaintext secrets. When they cannot be looked up, the text is not kept at all:
   * an unchecked text may hold one.
   */
  Future<String> scrub(Run run, String text) {
    return pipelines.version(Long.toString(run.pipelineId()), run.pipelineVersion())
        .compose(version -> submitYaml.secretsOf(version.yaml()))
        .map(secrets -> Scrubber.scrub(text, secrets))
        .otherwise(err -> {
          LOG.warn("Run {}: the secrets to scrub Flink's failure text with could not be read: {}", run.id(),
              err.getMessage());
          return "(Flink's failure text is withheld: it could not be checked for secrets)";
        });
  }

  private Future<Void> submitWith(Run run, String storedYaml, Set<String> known) {
    return clusters.find(run.clusterId()).compose(cluster -> clients.gateway(cluster).compose(flink ->
        submitYaml.resolve(storedYaml, run.pipelineName(), known).compose(resolved -> runJar(run, cluster, flink, resolved)
            .recover(err -> submitFailed(run, flink, resolved.scrub(describe(err)), err)))));
  }

  boolean isSubmitting(long runId) {
    return submitting.contains(runId);
  }

  private Future<Void> runJar(Run run, Cluster cluster, FlinkGateway flink, SubmitYaml.Resolved resolved) {
    // the YAML goes as the program argument only when it holds no secret; else the launcher fetches it with a ticket
    List<String> issued = new ArrayList<>();
    Supplier<String> ticketUrl = () -> {
      String ticket = tickets.issue(run.id(), resolved.yaml(), resolved.secrets());
      issued.add(ticket);
      return consoleUrl.get() + LaunchTickets.PATH + ticket;
    };
    String argument = resolved.secrets().isEmpty() ? resolved.yaml() : ticketUrl.get();
    JarRun jarRun = new JarRun(LauncherJar.ENTRY_CLASS, argument, run.jobId(), run.allowNonRestoredState(),
        run.flinkConfig(), Optional.ofNullable(run.fromSavepoint()));
    return bundles.forRun(cluster, resolved.connectorTypes()).compose(bundle -> launcher.jarId(cluster.id(), flink, bundle)
        .compose(jarId -> flink.runJar(jarId, jarRun))
        .recover(err -> {
          if (jarMissing(err)) {
            // the JobManager lost its uploaded jars (a restart): upload again and retry once
            launcher.forget(cluster.id());
            JarRun retry = resolved.secrets().isEmpty() ? jarRun : jarRun.withArgument(ticketUrl.get());
            return launcher.jarId(cluster.id(), flink, bundle).compose(jarId -> flink.runJar(jarId, retry));
          }
          return Future.failedFuture(err);
        }))
        // Flink answered with a refusal: the launcher's main has ended, so its ticket's secrets leave the heap now.
        // After a timeout the main may still be about to fetch it; the sweep takes it then.
        .onFailure(err -> {
          if (err instanceof FlinkRestException) {
            issued.forEach(tickets::revoke);
          }
        })
        .compose(answer -> moveTo(run, RunState.SUBMITTING, RunState.INITIALIZING, "console", "accepted by Flink"))
        .mapEmpty();
  }

  /** Flink answers 404, or 500 "Jar file ... does not exist", for an uploaded jar it no longer has. */
  private static boolean jarMissing(Throwable err) {
    return err instanceof FlinkRestException f && (f.status() == 404
        || f.errors().stream().anyMatch(e -> e.contains("Jar file") && e.contains("does not exist")));
  }

  /**
   * A submission that failed. Flink's own refusal (4xx/5xx with a cause) is final. A timeout or a broken connection
   * leaves it open whether Flink took the job, so Flink is asked for the JobID before the run is called failed.
   */
  private Future<Void> submitFailed(Run run, FlinkGateway flink, String cause, Throwable err) {
    if (err instanceof FlinkRestException || err instanceof ValidationFailed) {
      return fail(run, cause);
    }
    return flink.job(run.jobId())
        .compose(job -> moveTo(run, RunState.SUBMITTING, RunState.INITIALIZING, "console",
            "accepted by Flink (found after: " + cause + ")").mapEmpty(),
            notThere -> notThere instanceof FlinkRestException f && f.status() == 404 ? fail(run, cause)
                // the cluster does not answer at all: the watcher resolves the run once it does
                : store.error(run.id(), cause));
  }

  private Future<Void> fail(Run run, String cause) {
    LOG.warn("Run {} of pipeline '{}' could not be submitted: {}", run.id(), run.pipelineName(), cause);
    return store.error(run.id(), cause)
        .compose(ok -> moveTo(run, RunState.SUBMITTING, RunState.FAILED_TO_SUBMIT, "console", cause))
        .mapEmpty();
  }

  RunEvents events() {
    return events;
  }

  /** Moves the run (if it is still in {@code from}) and tells the event bus. */
  Future<Optional<Run>> moveTo(Run run, RunState from, RunState to, String source, String detail) {
    return store.transition(run.id(), from, to, source, detail, null).map(moved -> moved.map(m -> {
      LOG.info("Run {} of '{}': {} -> {} ({})", m.run().id(), m.run().pipelineName(), from, to, source);
      events.changed(m.transition());
      return m.run();
    }));
  }

  /**
   * Cancels the active run's job. A job Flink already ended is no error: the watcher records how it ended. The job's
   * latest checkpoint is read first, so the restore point a cancel leaves is the newest Flink has.
   */
  public Future<Run> cancel(Principal by, String pipelineRef) {
    return activeRun(pipelineRef).compose(run -> flinkFor(run).compose(flink -> checkpoints.fetch(flink, run)
        .compose(latest -> flink.cancel(run.jobId()))
        .compose(ok -> moveTo(run, run.state(), RunState.CANCELLING, "console", "cancelled by " + by.username()))
        .recover(err -> calm(err, run))
        .map(moved -> run)));
  }

  /**
   * Stops with a savepoint (Flink's stop), or cancels when {@code savepoint} is false. Either way the job's latest
   * checkpoint is read first: should the savepoint fail, the restore point is still the newest checkpoint.
   */
  public Future<Run> stop(Principal by, String pipelineRef, StopOptions options) {
    if (!options.savepoint()) {
      return cancel(by, pipelineRef);
    }
    try {
      policy.checkPath("targetDirectory", options.targetDirectory());
    } catch (ValidationFailed e) {
      return Future.failedFuture(e);
    }
    return activeRun(pipelineRef).compose(run -> flinkFor(run).compose(flink -> {
      JsonObject op = newOperation("stop", options.targetDirectory()).put("drain", options.drain());
      return checkpoints.fetch(flink, run)
          .compose(latest -> begin(run, op))
          .compose(recorded -> trigger(flink, run, op))
          .onSuccess(accepted -> stops.put(run.id(), new StopAttempt(options, 1)))
          .compose(accepted -> moveTo(run, run.state(), RunState.STOPPING, "console",
              "stop with savepoint by " + by.username()))
          .onSuccess(moved -> followOperation(run.id()))
          .recover(err -> refused(run, op, err).compose(ignored -> calm(err, run)))
          .map(moved -> run);
    }));
  }

  /** Triggers a savepoint of the running job; the path lands in the ledger when Flink has written it. */
  public Future<Run> savepoint(Principal by, String pipelineRef, Optional<String> targetDirectory) {
    try {
      policy.checkPath("targetDirectory", targetDirectory);
    } catch (ValidationFailed e) {
      return Future.failedFuture(e);
    }
    return activeRun(pipelineRef).compose(run -> flinkFor(run).compose(flink -> {
      JsonObject op = newOperation("savepoint", targetDirectory);
      return begin(run, op)
          .compose(recorded -> trigger(flink, run, op))
          .onSuccess(accepted -> followOperation(run.id()))
          .recover(err -> refused(run, op, err).compose(ignored -> Future.failedFuture(err instanceof FlinkRestException f && (f.status() == 404 || f.status() == 409)
              ? new Conflict("Flink cannot take a savepoint of job " + run.jobId() + " now (HTTP " + f.status()
                  + "): it is not running.")
              : err instanceof FlinkRestException || err instanceof io.cdcconsole.error.ApiError ? err
              : new io.cdcconsole.error.Unavailable("The cluster of run " + run.id() + " does not answer ("
                  + describe(err) + "); the savepoint is followed and sent again while it is not known there."))))
          .map(ok -> run);
    }));
  }

  /**
   * Records the operation before Flink is asked, unless another one of the run is under way: never two savepoints or
   * stops in flight for one run (a second would replace the record of the first, whose savepoint would then be missing
   * from the ledger). The one under way is followed and given up in time, so this never blocks for long.
   */
  private Future<Void> begin(Run run, JsonObject op) {
    return store.beginOperation(run.id(), op).compose(begun -> begun ? Future.succeededFuture()
        : Future.failedFuture(new Conflict("A savepoint or stop of run " + run.id() + " is under way; try again when it"
            + " has ended (it is given up after " + operationGiveUp.toMinutes() + " min at most).")));
  }

  /**
   * A periodic savepoint of a RUNNING run whose turn has come. The operation is claimed in the database first (only
   * when none is under way), so a run never has two in flight; then sent and followed like a manual one.
   */
  Future<Void> periodicSavepoint(long runId) {
    JsonObject op = newOperation("savepoint", Optional.empty()).put("periodic", true);
    return store.claimPeriodic(runId, op).compose(claimed -> !claimed ? Future.<Void>succeededFuture()
        : store.find(runId).compose(found -> {
          Run run = found.orElseThrow();
          LOG.info("Run {} of '{}': periodic savepoint, trigger {}", run.id(), run.pipelineName(), op.getString("triggerId"));
          return flinkFor(run).compose(flink -> trigger(flink, run, op))
              .onSuccess(accepted -> followOperation(run.id()))
              .<Void>mapEmpty()
              .recover(err -> refused(run, op, err));
        }));
  }

  /**
   * A savepoint or stop operation with a trigger id of the console's own (Flink's TriggerId: 32 hex digits). It is
   * written before Flink is asked, so an operation whose answer a crash swallowed is still followed after the restart,
   * and the same trigger sent again is the same operation: Flink (1.17+) keeps one operation per job and trigger id.
   */
  private JsonObject newOperation(String kind, Optional<String> targetDirectory) {
    return new JsonObject().put("kind", kind).put("triggerId", newJobId()).put("status", "IN_PROGRESS")
        .put("startedAt", Instant.now()).put("targetDirectory", targetDirectory.orElse(null));
  }

  /** Sends the operation's trigger to Flink; sending it again is harmless (same trigger id, same operation). */
  private static Future<Void> trigger(FlinkGateway flink, Run run, JsonObject op) {
    Optional<String> dir = Optional.ofNullable(op.getString("targetDirectory"));
    return "stop".equals(op.getString("kind"))
        ? flink.triggerStop(run.jobId(), op.getString("triggerId"), op.getBoolean("drain", false), dir)
        : flink.triggerSavepoint(run.jobId(), op.getString("triggerId"), dir);
  }

  /**
   * The trigger was not accepted. Refused by Flink: the operation did not start. No answer (a timeout, a lost
   * connection): Flink may have started it, so it stays in progress and is followed — found under its trigger id, or
   * sent again as the same operation.
   */
  private Future<Void> refused(Run run, JsonObject op, Throwable err) {
    if (err instanceof io.cdcconsole.error.ApiError) {
      return Future.succeededFuture(); // not begun (another operation is under way): nothing was recorded or sent
    }
    if (!(err instanceof FlinkRestException)) {
      followOperation(run.id());
      return Future.succeededFuture();
    }
    return scrub(run, "not started: " + describe(err)).compose(why -> {
      JsonObject failed = op.copy().put("status", "FAILED").put("finishedAt", Instant.now()).put("error", why);
      return store.operation(run.id(), failed)
          .compose(ok -> store.recordFailedSavepoint(run.pipelineId(), run.id(), source(op), op.getString("triggerId"), why));
    }).otherwiseEmpty();
  }

  /**
   * Polls a savepoint or stop trigger until Flink says it completed or failed; also picks up operations that were
   * under way when the console stopped.
   */
  void followOperation(long runId) {
    if (!operating.add(runId)) {
      return;
    }
    pollOperation(runId, 0);
  }

  boolean isFollowing(long runId) {
    return operating.contains(runId);
  }

  /**
   * One look at the operation. It is given up {@code runs.operationGiveUp} after its recorded start, whether Flink
   * says it is still in progress or its status cannot be read at all; the give-up is written with its reason. A look
   * that fails (Flink or the database does not answer) is retried with a back-off, never in a tight loop.
   */
  private void pollOperation(long runId, int failures) {
    store.find(runId).compose(found -> {
      Run run = found.orElse(null);
      JsonObject op = run == null ? null : run.operation();
      if (op == null || !"IN_PROGRESS".equals(op.getString("status"))) {
        return Future.succeededFuture(Poll.DONE);
      }
      Instant deadline = startedAt(op).plus(operationGiveUp);
      return flinkFor(run).compose(flink -> flink.savepointStatus(run.jobId(), op.getString("triggerId"))
              .recover(err -> unknownTrigger(flink, run, op, err)).compose(status -> {
            if (status.completed()) {
              return operationDone(run, op, status)
                  .map(done -> done ? Poll.DONE : Poll.PENDING);
            }
            return Instant.now().isAfter(deadline)
                ? giveUp(run, op, "Flink had not completed it " + operationGiveUp.toSeconds() + " s after it started")
                : Future.succeededFuture(Poll.PENDING);
          }))
          .recover(err -> Instant.now().isAfter(deadline)
              ? giveUp(run, op, "its status could not be read for " + operationGiveUp.toSeconds() + " s ("
                  + describe(err) + ")")
              : Future.failedFuture(err));
    }).onComplete(ar -> {
      if (ar.succeeded() && ar.result() == Poll.DONE) {
        operating.remove(runId);
        return;
      }
      int failed = ar.succeeded() ? 0 : failures + 1;
      long delay = ar.succeeded() ? OPERATION_POLL.toMillis()
          : Math.min(OPERATION_POLL.toMillis() << Math.min(failed - 1, 16), OPERATION_POLL_MAX_BACKOFF.toMillis());
      if (ar.failed()) {
        LOG.debug("Run {}: operation status not read ({} in a row), next look in {} ms: {}", runId, failed, delay,
            ar.cause().getMessage());
      }
      vertx.setTimer(delay, id -> pollOperation(runId, failed));
    });
  }

  private enum Poll { DONE, PENDING }

  private static Instant startedAt(JsonObject op) {
    try {
      Instant at = op.getInstant("startedAt");
      return at == null ? Instant.now() : at;
    } catch (RuntimeException e) {
      return Instant.now();
    }
  }

  /** The operation did not end in time: it is written as failed, with the reason, and leaves the ledger a FAILED entry. */
  private Future<Poll> giveUp(Run run, JsonObject op, String reason) {
    String why = op.getString("kind") + " given up: " + reason;
    LOG.warn("Run {} of '{}': {} (trigger {})", run.id(), run.pipelineName(), why, op.getString("triggerId"));
    return operationFailed(run, op, op.copy().put("finishedAt", Instant.now()), why).map(Poll.DONE);
  }

  /** What wrote a savepoint, as the ledger says it. */
  private static String source(JsonObject op) {
    return "stop".equals(op.getString("kind")) ? "stop" : op.getBoolean("periodic", false) ? "periodic" : "manual";
  }

  /**
   * Flink does not know the trigger (404): the console died between recording the operation and sending it, or Flink
   * restarted. The same trigger is sent again; when the job cannot take it any more the operation failed.
   */
  private Future<OperationStatus> unknownTrigger(FlinkGateway flink, Run run, JsonObject op, Throwable err) {
    if (!(err instanceof FlinkRestException f) || f.status() != 404) {
      return Future.failedFuture(err);
    }
    LOG.info("Run {} of '{}': Flink does not know {} trigger {}: sending it again", run.id(), run.pipelineName(),
        op.getString("kind"), op.getString("triggerId"));
    return trigger(flink, run, op).map(OperationStatus.inProgress()).recover(again -> again instanceof FlinkRestException r
        && (r.status() == 404 || r.status() == 409)
        ? Future.succeededFuture(OperationStatus.failed("the job is not running any more (HTTP " + r.status() + ")"))
        : Future.failedFuture(again));
  }

  /** Records how the operation ended; answers false when it goes on (a refused stop sent again). */
  private Future<Boolean> operationDone(Run run, JsonObject op, OperationStatus result) {
    String location = result.location().orElse(null);
    JsonObject done = op.copy().put("finishedAt", Instant.now());
    if (location != null) {
      stops.remove(run.id());
      done.put("status", "COMPLETED").put("location", location).put("error", null);
      return store.recordSavepoint(run.pipelineId(), run.id(), "savepoint", source(op), location)
          .compose(ok -> store.operation(run.id(), done))
          .onSuccess(ok -> LOG.info("Run {} of '{}': {} wrote savepoint {}", run.id(), run.pipelineName(),
              op.getString("kind"), location))
          .map(true);
    }
    String cause = result.failure().orElse("unknown cause");
    String flinkWhy = op.getString("kind") + " failed: " + firstLine(cause);
    StopAttempt attempt = stops.get(run.id());
    if ("stop".equals(op.getString("kind")) && attempt != null && attempt.attempt() < STOP_ATTEMPTS
        && cause.contains("Not all required tasks are currently running")) {
      return stopAgain(run, attempt).recover(err -> operationFailed(run, op, done, flinkWhy + " (sent "
          + attempt.attempt() + " times; sending it again failed: " + describe(err) + ")"));
    }
    return operationFailed(run, op, done, flinkWhy);
  }

  /**
   * Flink takes a savepoint only when every task of the job runs, which a job just called RUNNING may not do yet:
   * the stop is sent again after a back-off, and the run says so (its operation's {@code error}) meanwhile.
   */
  private Future<Boolean> stopAgain(Run run, StopAttempt attempt) {
    long backoff = STOP_RETRY_BACKOFF.toMillis() << (attempt.attempt() - 1);
    String note = "stop attempt " + attempt.attempt() + " refused by Flink: not all tasks of the job run yet; "
        + "sending it again in " + backoff + " ms";
    LOG.info("Run {} of '{}': {}", run.id(), run.pipelineName(), note);
    StopOptions options = attempt.options();
    // a new trigger id: Flink keeps the refused operation under the old one and would answer it again
    JsonObject again = newOperation("stop", options.targetDirectory()).put("drain", options.drain()).put("error", note);
    return store.operation(run.id(), again)
        .compose(ok -> vertx.timer(backoff))
        .compose(ok -> flinkFor(run))
        .compose(flink -> trigger(flink, run, again))
        .onSuccess(accepted -> stops.put(run.id(), new StopAttempt(options, attempt.attempt() + 1)))
        .map(false);
  }

  private Future<Boolean> operationFailed(Run run, JsonObject op, JsonObject done, String flinkWhy) {
    stops.remove(run.id());
    // Flink's text, like a runtime failure cause, is scrubbed of the run's secrets before it is kept
    return scrub(run, flinkWhy).compose(why -> {
      done.put("status", "FAILED").put("error", why);
      return store.operation(run.id(), done)
          .compose(ok -> store.recordFailedSavepoint(run.pipelineId(), run.id(), source(op), op.getString("triggerId"), why))
          .compose(ok -> store.error(run.id(), why))
          // a failed stop leaves the job running: the watcher moves STOPPING back to what Flink reports
          .compose(ok -> run.state() == RunState.STOPPING
              ? moveTo(run, RunState.STOPPING, RunState.RUNNING, "console", why).mapEmpty() : Future.succeededFuture());
    }).map(true);
  }

  /**
   * Flink's 404/409 for a job that already ended: nothing to do, the watcher settles the run. A cluster that does not
   * answer is an outage for the caller to retry (503), not an internal error.
   */
  private static Future<Optional<Run>> calm(Throwable err, Run run) {
    if (err instanceof FlinkRestException f && (f.status() == 404 || f.status() == 409)) {
      return Future.succeededFuture(Optional.of(run));
    }
    if (!(err instanceof FlinkRestException) && !(err instanceof io.cdcconsole.error.ApiError)) {
      return Future.failedFuture(new io.cdcconsole.error.Unavailable("The cluster of run " + run.id()
          + " does not answer (" + describe(err) + "); the run is unchanged, try again when it is back."));
    }
    return Future.failedFuture(err);
  }

  private Future<Run> activeRun(String pipelineRef) {
    return pipelines.get(pipelineRef).compose(p -> store.active(p.id()).compose(active -> {
      if (active.isEmpty()) {
        return Future.failedFuture(new Conflict("Pipeline '" + p.name() + "' has no active run."));
      }
      if (active.get().state() == RunState.SUBMITTING) {
        return Future.failedFuture(new Conflict("The run is still being submitted; try again in a moment."));
      }
      return Future.succeededFuture(active.get());
    }));
  }

  /** The Flink API of the cluster the run was started on (clients are cached per cluster version). */
  private Future<FlinkGateway> flinkFor(Run run) {
    return clusters.find(run.clusterId()).compose(clients::gateway);
  }

  /**
   * Jobs on registered clusters that the console did not start but that carry a pipeline's name (e.g. started by hand
   * or by an older tool): one {@code /jobs/overview} per reachable cluster, asked now.
   */
  public Future<JsonArray> orphans() {
    return clusters.list().compose(all -> Future.join(all.stream()
        .map(o -> clients.gateway(o.cluster()).compose(FlinkGateway::jobs)
            .compose(jobs -> orphansOn(o.cluster(), jobs))
            .otherwise(new JsonArray()))
        .toList())
        .map(done -> {
          JsonArray items = new JsonArray();
          done.<JsonArray>list().forEach(items::addAll);
          return items;
        }));
  }

  private Future<JsonArray> orphansOn(Cluster cluster, List<FlinkGateway.JobSummary> jobs) {
    List<FlinkGateway.JobSummary> live = jobs.stream()
        .filter(job -> RunState.fromFlink(job.state()).map(s -> !s.terminal()).orElse(false))
        .toList();
    return store.knownJobIds(live.stream().map(FlinkGateway.JobSummary::id).toList()).compose(known -> Future.join(live.stream()
        .filter(job -> !known.contains(job.id()))
        .map(job -> pipelines.get(job.name())
            .map(p -> p.clusterId() == cluster.id() ? new JsonObject().put("clusterId", cluster.id())
                .put("cluster", cluster.name()).put("jobId", job.id()).put("name", job.name())
                .put("state", job.state()).put("pipelineId", p.id())
                .put("startTime", Instant.ofEpochMilli(job.startTime())) : null)
            .otherwise((JsonObject) null))
        .toList()).map(found -> {
          JsonArray out = new JsonArray();
          found.<JsonObject>list().stream().filter(java.util.Objects::nonNull).forEach(out::add);
          return out;
        }));
  }

  /** Tracks a job the console did not start as a run of the pipeline whose name it carries. */
  public Future<Run> adopt(Principal by, String pipelineRef, String jobId) {
    if (jobId == null || !jobId.matches("[0-9a-f]{32}")) {
      return Future.failedFuture(ValidationFailed.of("jobId", "must be a Flink JobID (32 hex characters)"));
    }
    return pipelines.get(pipelineRef).compose(pipeline -> store.active(pipeline.id()).compose(active -> {
      if (active.isPresent()) {
        return Future.failedFuture(new Conflict("Pipeline '" + pipeline.name() + "' has an active run already."));
      }
      return store.knownJobIds(java.util.List.of(jobId)).compose(known -> {
        if (!known.isEmpty()) {
          return Future.failedFuture(new Conflict("Job " + jobId + " is tracked by a run already."));
        }
        return clusters.find(pipeline.clusterId()).compose(clients::gateway)
            .compose(flink -> flink.job(jobId))
            .recover(err -> Future.failedFuture(err instanceof FlinkRestException f && f.status() == 404
                ? new NotFound("The pipeline's cluster has no job " + jobId + ".") : err))
            .compose(job -> {
              if (!pipeline.name().equals(job.name())) {
                return Future.failedFuture(new Conflict("Job " + jobId + " is named '" + job.name()
                    + "', not after pipeline '" + pipeline.name() + "'."));
              }
              return store.insertAdopted(new RunStore.NewRun(pipeline.id(), pipeline.version(), pipeline.clusterId(),
                  jobId, null, false, new JsonObject(), null, by.username()));
            });
      });
    })).map(moved -> {
      events.changed(moved.transition());
      return moved.run();
    });
  }

  /** Recent transitions across all runs, or the runs of one pipeline (by id or name), newest first. */
  public Future<Page<RunTransition>> transitions(Optional<String> pipelineRef, PageRequest page) {
    return pipelineRef.isEmpty() ? store.recentTransitions(Optional.empty(), page)
        : pipelines.get(pipelineRef.get()).compose(p -> store.recentTransitions(Optional.of(p.id()), page));
  }

  public Future<Page<Run>> list(String pipelineRef, PageRequest page) {
    return pipelines.get(pipelineRef).compose(p -> store.list(p.id(), page));
  }

  public Future<Run> get(long runId) {
    return store.find(runId).compose(found -> found.map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(new NotFound("No run " + runId + "."))));
  }

  /** The whole story of a run: state, transitions, its savepoints, last checkpoint, and where to see it in Flink. */
  public Future<JsonObject> details(long runId) {
    return get(runId).compose(run -> Future.all(store.transitions(run.id()), store.savepoints(run.pipelineId(), run.id()),
        clusters.find(run.clusterId())).map(all -> run.toJson()
        .put("transitions", all.<JsonArray>resultAt(0))
        .put("savepoints", all.<JsonArray>resultAt(1))
        .put("flinkUiUrl", all.<Cluster>resultAt(2).restUrl() + "/#/job/"
            + (run.state().terminal() ? "completed" : "running") + "/" + run.jobId() + "/overview")));
  }

  /**
   * The pipeline's savepoint ledger and its restore point. A RUNNING job's latest checkpoint is read first: between
   * the watcher's reads (once a minute by default) the ledger would be up to that much behind.
   */
  public Future<JsonObject> ledger(String pipelineRef) {
    return pipelines.get(pipelineRef).compose(p -> store.active(p.id())
        .compose(active -> active.filter(run -> run.state() == RunState.RUNNING)
            .map(run -> checkpoints.fetch(run).<Void>mapEmpty()).orElse(Future.succeededFuture()))
        .compose(fresh -> Future.all(store.savepoints(p.id(), null), store.restorePoint(p.id())))
        .map(all -> new JsonObject().put("restorePoint", all.<Optional<String>>resultAt(1).orElse(null))
            .put("items", all.<JsonArray>resultAt(0))));
  }

  private String newJobId() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  static String describe(Throwable err) {
    if (err instanceof FlinkRestException f && !f.errors().isEmpty()) {
      String cause = "Flink refused the job (HTTP " + f.status() + "): " + causes(f.errors());
      return cause.length() > 8000 ? cause.substring(0, 8000) + " …" : cause;
    }
    if (err instanceof ValidationFailed v) {
      return v.detail();
    }
    return err.getMessage() == null ? err.getClass().getSimpleName() : err.getMessage();
  }

  /** Flink's errors carry whole stack traces: keep the message and the "Caused by" chain, which say what went wrong. */
  private static String causes(java.util.List<String> errors) {
    java.util.List<String> lines = new java.util.ArrayList<>();
    for (String error : errors) {
      for (String line : error.split("\n")) {
        String t = line.trim();
        if (t.isEmpty() || t.startsWith("at ") || t.startsWith("...") || t.startsWith("<Exception on server side")
            || t.startsWith("End of exception on server side") || t.equals("Internal server error.")) {
          continue;
        }
        if (!lines.contains(t)) {
          lines.add(t);
        }
      }
    }
    return String.join("\n", lines);
  }

  private static String firstLine(String text) {
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl);
  }
}
