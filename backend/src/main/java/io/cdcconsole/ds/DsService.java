package io.cdcconsole.ds;

import io.cdcconsole.access.Principal;
import io.cdcconsole.config.Durations;
import io.cdcconsole.error.ApiError;
import io.cdcconsole.error.NotFound;
import io.cdcconsole.error.ValidationFailed;
import io.cdcconsole.health.HealthService;
import io.cdcconsole.health.HealthStore;
import io.cdcconsole.pipeline.Pipeline;
import io.cdcconsole.pipeline.PipelineService;
import io.cdcconsole.run.Run;
import io.cdcconsole.run.RunService;
import io.cdcconsole.run.RunState;
import io.cdcconsole.run.RunStore;
import io.cdcconsole.run.RunWaiter;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What DolphinScheduler tasks ask for: start a pipeline (and wait until it runs or finishes), stop
 * it (with a savepoint, waiting for the end), and check its state. A DS retry of the same task
 * instance gets the same run.
 */
final class DsService {
  private static final Set<String> START_WAITS = Set.of("NONE", "RUNNING", "FINISHED");

  private final PipelineService pipelines;
  private final RunService runs;
  private final RunStore runStore;
  private final RunWaiter waiter;
  private final HealthService health;

  DsService(
      PipelineService pipelines,
      RunService runs,
      RunStore runStore,
      RunWaiter waiter,
      HealthService health) {
    this.pipelines = pipelines;
    this.runs = runs;
    this.runStore = runStore;
    this.waiter = waiter;
    this.health = health;
  }

  // Each entry point reads its parameters inside compose: a bad one fails the future instead of
  // throwing at the caller.
  Future<DsOutcome> start(Principal caller, DsParams params) {
    return Future.succeededFuture().compose(v -> started(caller, params));
  }

  private Future<DsOutcome> started(Principal caller, DsParams params) {
    String wait = params.get("wait").orElse("RUNNING").toUpperCase(Locale.ROOT);
    if (!START_WAITS.contains(wait)) {
      return Future.failedFuture(
          io.cdcconsole.error.ValidationFailed.of("wait", "must be none, RUNNING or FINISHED"));
    }
    Duration timeout = params.timeout();
    return pipeline(caller, params)
        .compose(
            p ->
                idempotencyKey(p, params, wait)
                    .compose(
                        key ->
                            runs.start(
                                caller,
                                Long.toString(p.id()),
                                new RunService.StartOptions(
                                    params.get("fromSavepoint"),
                                    params.flag("allowNonRestoredState", false),
                                    new JsonObject()),
                                key))
                    .compose(
                        run ->
                            runStore
                                .dsIds(
                                    run.id(),
                                    params.taskInstanceId().orElse(null),
                                    params.workflowInstanceId().orElse(null))
                                .map(run))
                    .compose(
                        run ->
                            switch (wait) {
                              case "NONE" ->
                                  Future.succeededFuture(
                                      DsOutcome.success("started", p.name(), run));
                              case "RUNNING" -> waitFor(p, run, RunState.RUNNING, timeout);
                              default -> waitFor(p, run, RunState.FINISHED, timeout);
                            })
                    .recover(err -> failure(err, p.name())));
  }

  /**
   * Which earlier start this call repeats. DS runs each retry of a task as a new task instance (a
   * new {@code system.task.instance.id}) in the same workflow instance, so the key is the workflow
   * instance and the task definition; without them, the task instance. A workflow instance that is
   * rerun after its run ended otherwise (failed, stopped) gets a new run: the key then names the
   * run it follows.
   */
  private Future<Optional<String>> idempotencyKey(Pipeline p, DsParams params, String wait) {
    Optional<String> base =
        baseKey(
            params.workflowInstanceId(), params.get("taskDefinitionCode"), params.taskInstanceId());
    if (base.isEmpty()) {
      return Future.succeededFuture(base);
    }
    return followOn(p.id(), base.get(), wait).map(Optional::of);
  }

  /**
   * The key of a DS start: the workflow instance and task definition, else the task instance; none
   * without ids.
   */
  static Optional<String> baseKey(
      Optional<String> workflowInstanceId,
      Optional<String> taskDefinitionCode,
      Optional<String> taskInstanceId) {
    return workflowInstanceId
        .map(w -> "ds-wf-" + w + "-" + taskDefinitionCode.orElse("start"))
        .or(() -> taskInstanceId.map(t -> "ds-task-" + t));
  }

  /**
   * Whether {@code key} still names the start to repeat, given the state of the run it names
   * (empty: none yet): a run that goes on, or one that FINISHED when finishing was asked for, is
   * the answer; any other ended run means a rerun of the workflow instance, which gets a new run
   * under {@link #followingKey}.
   */
  static boolean keyStands(Optional<RunState> found, String wait) {
    return found.isEmpty()
        || !found.get().terminal()
        || ("FINISHED".equals(wait) && found.get() == RunState.FINISHED);
  }

  static String followingKey(String key, long endedRunId) {
    return key + "-after-" + endedRunId;
  }

  private Future<String> followOn(long pipelineId, String key, String wait) {
    return runStore
        .findByIdempotencyKey(pipelineId, key)
        .compose(
            found ->
                keyStands(found.map(Run::state), wait)
                    ? Future.succeededFuture(key)
                    : followOn(pipelineId, followingKey(key, found.get().id()), wait));
  }

  Future<DsOutcome> stop(Principal caller, DsParams params) {
    return Future.succeededFuture().compose(v -> stopped(caller, params));
  }

  private Future<DsOutcome> stopped(Principal caller, DsParams params) {
    boolean savepoint = params.flag("savepoint", true);
    boolean drain = params.flag("drain", false);
    boolean wait = params.flag("wait", true);
    Duration timeout = params.timeout();
    RunState wanted = savepoint ? RunState.STOPPED : RunState.CANCELED;
    runs.policy().checkPath("targetDirectory", params.get("targetDirectory"));
    return pipeline(caller, params)
        .compose(
            p ->
                runStore
                    .latest(p.id())
                    .compose(
                        latest -> {
                          if (latest.isEmpty()) {
                            return Future.succeededFuture(
                                DsOutcome.failure(
                                    409, "the pipeline has never run", p.name(), null));
                          }
                          Run run = latest.get();
                          if (run.state() == wanted) {
                            // a DS retry after the stop went through: the asked outcome holds
                            return Future.succeededFuture(
                                DsOutcome.success("already " + wanted, p.name(), run));
                          }
                          if (run.state().terminal()) {
                            return Future.succeededFuture(
                                DsOutcome.failure(
                                    409,
                                    "the pipeline is not running (its last run ended "
                                        + run.state()
                                        + ")",
                                    p.name(),
                                    run));
                          }
                          Future<Run> asked =
                              run.state() == RunState.STOPPING || run.state() == RunState.CANCELLING
                                  ? Future.succeededFuture(run)
                                  : runs.stop(
                                      caller,
                                      Long.toString(p.id()),
                                      new RunService.StopOptions(
                                          savepoint, drain, params.get("targetDirectory")));
                          return asked
                              .compose(
                                  r ->
                                      wait
                                          ? waitFor(p, r, wanted, timeout)
                                          : Future.succeededFuture(
                                              DsOutcome.success("stop requested", p.name(), r)))
                              .recover(err -> failure(err, p.name()));
                        }));
  }

  Future<DsOutcome> status(Principal caller, DsParams params) {
    return Future.succeededFuture().compose(v -> checked(caller, params));
  }

  private Future<DsOutcome> checked(Principal caller, DsParams params) {
    Optional<String> expect = params.get("expect").map(e -> e.toUpperCase(Locale.ROOT));
    return pipeline(caller, params)
        .compose(
            p ->
                runStore
                    .latest(p.id())
                    .map(
                        latest -> {
                          Run run = latest.orElse(null);
                          String state = run == null ? "NONE" : run.state().name();
                          if (expect.isEmpty() || expect.get().equals(state)) {
                            return DsOutcome.success("state is " + state, p.name(), run);
                          }
                          return DsOutcome.failure(
                              409,
                              "state is " + state + ", expected " + expect.get(),
                              p.name(),
                              run);
                        }));
  }

  /**
   * The freshness gate: SUCCESS only when the pipeline's RUNNING job lags less than {@code maxLag}
   * (default 60 s) and, when {@code checkpointAfter} is given, a checkpoint completed after that
   * time (so that, for exactly-once sinks, the changes up to then are committed). Waits (up to
   * {@code timeout}, unless {@code wait=false}) for a measurement that satisfies both; the lag and
   * checkpoint seen are in the answer either way.
   */
  Future<DsOutcome> caughtUp(Principal caller, DsParams params) {
    Duration maxLag;
    Optional<Instant> after;
    Duration timeout;
    boolean wait;
    try {
      maxLag = params.get("maxLag").map(DsService::lag).orElse(Duration.ofSeconds(60));
      after = params.get("checkpointAfter").map(DsService::time);
      timeout = params.timeout();
      wait = params.flag("wait", true);
    } catch (ValidationFailed e) {
      return Future.failedFuture(e);
    }
    return pipeline(caller, params)
        .compose(
            p ->
                runStore
                    .latest(p.id())
                    .compose(
                        latest -> {
                          if (latest.isEmpty() || latest.get().state() != RunState.RUNNING) {
                            return Future.succeededFuture(
                                DsOutcome.failure(
                                    409,
                                    "the pipeline is not RUNNING (its state is "
                                        + latest.map(r -> r.state().name()).orElse("NONE")
                                        + ")",
                                    p.name(),
                                    latest.orElse(null)));
                          }
                          Run run = latest.get();
                          Predicate<HealthStore.Current> caught =
                              c ->
                                  c.sample().lagMs() != null
                                      && c.sample().lagMs() < maxLag.toMillis()
                                      && (after.isEmpty()
                                          || (c.sample().checkpointAt() != null
                                              && c.sample().checkpointAt().isAfter(after.get())));
                          return health
                              .until(run.id(), caught, wait ? timeout : Duration.ofMillis(1))
                              .map(
                                  now -> {
                                    JsonObject seen =
                                        new JsonObject()
                                            .put("maxLagMs", maxLag.toMillis())
                                            .put("checkpointAfter", after.orElse(null))
                                            .put(
                                                "lagMs",
                                                now.map(c -> c.sample().lagMs()).orElse(null))
                                            .put(
                                                "checkpointAt",
                                                now.map(c -> c.sample().checkpointAt())
                                                    .orElse(null))
                                            .put(
                                                "measuredAt",
                                                now.map(HealthStore.Current::at).orElse(null));
                                    if (now.isPresent() && caught.test(now.get())) {
                                      return DsOutcome.success(
                                              "caught up: lag "
                                                  + now.get().sample().lagMs()
                                                  + " ms"
                                                  + after
                                                      .map(
                                                          a ->
                                                              ", a checkpoint completed at "
                                                                  + now.get()
                                                                      .sample()
                                                                      .checkpointAt())
                                                      .orElse(""),
                                              p.name(),
                                              run)
                                          .with(seen);
                                    }
                                    return DsOutcome.failure(
                                            wait ? 504 : 409,
                                            notCaughtUp(now, maxLag, after)
                                                + (wait
                                                    ? " (waited "
                                                        + timeout.toSeconds()
                                                        + " s; let DolphinScheduler retry)"
                                                    : ""),
                                            p.name(),
                                            run)
                                        .with(seen);
                                  });
                        }));
  }

  private static String notCaughtUp(
      Optional<HealthStore.Current> now, Duration maxLag, Optional<Instant> after) {
    if (now.isEmpty()) {
      return "not measured yet";
    }
    Long lag = now.get().sample().lagMs();
    if (lag == null) {
      return "the source reports no lag (not reported by this connector, or not known yet)";
    }
    if (lag >= maxLag.toMillis()) {
      return "lag " + lag + " ms is not under " + maxLag.toMillis() + " ms";
    }
    return "no checkpoint completed after "
        + after.orElseThrow()
        + " (latest: "
        + now.get().sample().checkpointAt()
        + ")";
  }

  private static Duration lag(String text) {
    try {
      Duration d = Durations.parse(text);
      if (d.isNegative() || d.isZero()) {
        throw ValidationFailed.of("maxLag", "must be positive, such as 60s or 5m");
      }
      return d;
    } catch (IllegalArgumentException e) {
      throw ValidationFailed.of("maxLag", "must be a duration such as 60s, 5m or PT1M");
    }
  }

  /** An ISO-8601 time with offset or Z, a local date-time (UTC), or a date (its midnight, UTC). */
  static Instant time(String text) {
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      try {
        return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException e2) {
        try {
          return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e3) {
          throw ValidationFailed.of(
              "checkpointAfter",
              "must be an ISO-8601 time such as 2030-01-31T00:00:00Z or 2030-01-31T00:00:00+08:00, or a date");
        }
      }
    }
  }

  private Future<DsOutcome> waitFor(Pipeline p, Run run, RunState wanted, Duration timeout) {
    return waiter
        .until(run.id(), r -> r.state() == wanted, timeout)
        .map(
            now -> {
              if (now.state() == wanted) {
                return DsOutcome.success("reached " + wanted, p.name(), now);
              }
              if (now.state().terminal()) {
                return DsOutcome.failure(
                    409,
                    "the run ended "
                        + now.state()
                        + " instead of reaching "
                        + wanted
                        + (now.lastError() == null ? "" : ": " + firstLine(now.lastError())),
                    p.name(),
                    now);
              }
              return DsOutcome.failure(
                  504,
                  "not "
                      + wanted
                      + " within "
                      + timeout.toSeconds()
                      + " s (the run goes on, now "
                      + now.state()
                      + "); check again with /ds/status?expect="
                      + wanted,
                  p.name(),
                  now);
            });
  }

  /**
   * The pipeline, if the caller's token may act on it. To a scoped token, a pipeline outside its
   * scope is indistinguishable from one that does not exist (the same 404 and text, naming only
   * what was asked for), so a token cannot enumerate pipelines or learn the name behind an id
   * (security review L5).
   */
  private Future<Pipeline> pipeline(Principal caller, DsParams params) {
    Future<Pipeline> found = pipelines.get(params.pipeline());
    if (!caller.scoped()) {
      return found;
    }
    NotFound hidden = new NotFound("No pipeline '" + params.pipeline() + "'.");
    return found.transform(
        ar ->
            ar.succeeded() && caller.scope().allows(ar.result().name(), ar.result().labels())
                ? Future.succeededFuture(ar.result())
                : Future.failedFuture(
                    ar.failed() && !(ar.cause() instanceof NotFound) ? ar.cause() : hidden));
  }

  /**
   * Refusals (a conflict, a validation error) become FAILURE answers with the same status; the rest
   * fail the call.
   */
  private static Future<DsOutcome> failure(Throwable err, String pipeline) {
    if (err instanceof ApiError api) {
      return Future.succeededFuture(DsOutcome.failure(api.status(), api.detail(), pipeline, null));
    }
    return Future.failedFuture(err);
  }

  private static String firstLine(String text) {
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl);
  }
}
