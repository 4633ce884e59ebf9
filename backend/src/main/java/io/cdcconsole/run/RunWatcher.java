package io.cdcconsole.run;

import io.cdcconsole.cluster.ClusterClients;
import io.cdcconsole.cluster.ClusterService;
import io.cdcconsole.cluster.FlinkRestClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches every cluster that has active runs with one {@code GET /jobs/overview} per tick for the whole cluster —
 * never a request per job — every {@code pollInterval}, or every {@code fastInterval} while a run there is changing.
 * Each observed change becomes a stored transition and a {@code run.state} event. An unreachable cluster leaves its
 * runs as they were, marked stale; a job a reachable cluster no longer lists becomes LOST after a grace period.
 * The first look at each cluster is the start-up reconcile: a SUBMITTING run whose JobID Flink does not know is
 * submitted again with the same JobID, one it knows is tracked.
 */
public final class RunWatcher {
  private static final Logger LOG = LoggerFactory.getLogger(RunWatcher.class);
  private static final int CHECKPOINT_EVERY_N_POLLS = 6;

  /** The cadence of watching. */
  public record Timing(Duration pollInterval, Duration fastInterval, Duration lostGrace) {}

  private final Vertx vertx;
  private final RunStore store;
  private final RunService runs;
  private final ClusterService clusters;
  private final ClusterClients clients;
  private final Clock clock;
  private final Timing timing;
  private final Map<Long, Instant> nextPoll = new ConcurrentHashMap<>();
  private final Map<Long, Integer> pollCount = new ConcurrentHashMap<>();
  private final Set<Long> polling = ConcurrentHashMap.newKeySet();
  private final Promise<Void> reconciled = Promise.promise();
  private long timerId = -1;

  RunWatcher(Vertx vertx, RunStore store, RunService runs, ClusterService clusters, ClusterClients clients, Clock clock,
             Timing timing) {
    this.vertx = vertx;
    this.store = store;
    this.runs = runs;
    this.clusters = clusters;
    this.clients = clients;
    this.clock = clock;
    this.timing = timing;
  }

  /** Starts watching; the answer completes when every cluster with active runs has been looked at once. */
  public Future<Void> start() {
    store.clustersWithActiveRuns()
        .compose(ids -> Future.join(ids.stream().map(this::poll).toList()))
        .onComplete(ar -> {
          if (ar.failed()) {
            LOG.warn("Start-up reconcile did not finish: {}", ar.cause().getMessage());
          }
          reconciled.tryComplete();
          long tick = Math.max(200, Math.min(timing.fastInterval().toMillis(), 1000));
          timerId = vertx.setPeriodic(tick, id -> tick());
        });
    return reconciled.future();
  }

  public boolean reconciled() {
    return reconciled.future().isComplete();
  }

  public void stop() {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
    }
  }

  /** Makes the cluster's next poll come soon: something was just asked of a job there. */
  public void hurry(long clusterId) {
    nextPoll.put(clusterId, clock.instant());
  }

  private void tick() {
    Instant now = clock.instant();
    store.clustersWithActiveRuns().onSuccess(ids -> ids.forEach(id -> {
      if (!nextPoll.getOrDefault(id, Instant.MIN).isAfter(now)) {
        poll(id);
      }
    }));
  }

  /** One look at one cluster: a single overview request, then every active run there compared with it. */
  Future<Void> poll(long clusterId) {
    if (!polling.add(clusterId)) {
      return Future.succeededFuture();
    }
    int count = pollCount.merge(clusterId, 1, Integer::sum);
    return store.activeOnCluster(clusterId).compose(active -> clusters.find(clusterId).compose(clients::of)
            .compose(client -> client.getJson("/jobs/overview")
                .compose(overview -> observe(client, active, jobsById(overview), count % CHECKPOINT_EVERY_N_POLLS == 0),
                    unreachable -> store.markStale(clusterId, true).onSuccess(runs.events()::stale).<Void>mapEmpty()))
            .onComplete(ar -> nextPoll.put(clusterId, clock.instant().plus(
                active.stream().anyMatch(r -> r.state().changing()) ? timing.fastInterval() : timing.pollInterval()))))
        .onFailure(err -> LOG.warn("Watching cluster {} failed: {}", clusterId, err.getMessage()))
        .eventually(() -> {
          polling.remove(clusterId);
          return Future.succeededFuture();
        })
        .mapEmpty();
  }

  /** Records that the cluster answered about the run; a run that was stale is announced fresh again. */
  private Future<Void> fresh(Run run, String flinkState) {
    return store.observed(run.id(), flinkState, false)
        .map(changed -> {
          changed.ifPresent(change -> runs.events().stale(List.of(change)));
          return null;
        });
  }

  private static Map<String, JsonObject> jobsById(JsonObject overview) {
    Map<String, JsonObject> jobs = new HashMap<>();
    for (Object o : overview.getJsonArray("jobs", new JsonArray())) {
      JsonObject job = (JsonObject) o;
      jobs.put(job.getString("jid"), job);
    }
    return jobs;
  }

  private Future<Void> observe(FlinkRestClient client, List<Run> active, Map<String, JsonObject> jobs, boolean checkpoints) {
    return Future.join(active.stream().map(run -> observe(client, run, Optional.ofNullable(jobs.get(run.jobId())), checkpoints)
        .recover(err -> {
          LOG.warn("Run {}: {}", run.id(), err.getMessage());
          return Future.succeededFuture();
        })).toList()).mapEmpty();
  }

  private Future<Void> observe(FlinkRestClient client, Run run, Optional<JsonObject> job, boolean checkpoints) {
    if (run.operation() != null && "IN_PROGRESS".equals(run.operation().getString("status")) && !runs.isFollowing(run.id())) {
      runs.followOperation(run.id()); // under way when the console stopped
    }
    if (run.state() == RunState.SUBMITTING) {
      if (runs.isSubmitting(run.id())) {
        return Future.succeededFuture();
      }
      if (job.isPresent()) {
        return fresh(run, job.get().getString("state"))
            .compose(ok -> runs.moveTo(run, RunState.SUBMITTING, RunState.INITIALIZING, "reconcile",
                "Flink has the job: tracking it"))
            .mapEmpty();
      }
      LOG.info("Run {} of '{}' is SUBMITTING but Flink does not know job {}: submitting it again with the same JobID",
          run.id(), run.pipelineName(), run.jobId());
      return runs.submit(run);
    }
    if (job.isEmpty()) {
      return store.missing(run.id()).compose(since -> {
        if (Duration.between(since, clock.instant()).compareTo(timing.lostGrace()) < 0) {
          return fresh(run, null);
        }
        return runs.moveTo(run, run.state(), RunState.LOST, "watcher",
            "the cluster answers but has not listed job " + run.jobId() + " since " + since).mapEmpty();
      });
    }
    String flinkState = job.get().getString("state");
    Optional<RunState> seen = RunState.fromFlink(flinkState).map(s -> settle(run, s));
    Future<Void> observed = fresh(run, flinkState);
    if (seen.isEmpty() || seen.get() == run.state()) {
      return observed.compose(ok -> checkpoints && run.state() == RunState.RUNNING ? checkpoint(client, run)
          : Future.succeededFuture());
    }
    RunState to = seen.get();
    return observed
        .compose(ok -> to == RunState.FAILED || to == RunState.RESTARTING || to == RunState.FAILING
            ? rootCause(client, run) : Future.succeededFuture(Optional.<String>empty()))
        .compose(cause -> {
          Future<Void> saved = cause.isPresent() ? store.error(run.id(), cause.get()) : Future.succeededFuture();
          if (to == RunState.RESTARTING) {
            saved = saved.compose(ok -> store.restarts(run.id(), run.restarts() + 1));
          }
          return saved.compose(ok -> runs.moveTo(run, run.state(), to, "flink",
              "Flink reports " + flinkState + cause.map(c -> ": " + c).orElse("")));
        })
        .mapEmpty();
  }

  /**
   * What the console calls the Flink state, given what it asked for: a job that ends while a stop with savepoint is
   * under way or done was STOPPED; one that still runs while its cancel or stop is under way keeps that state.
   */
  private static RunState settle(Run run, RunState seen) {
    JsonObject op = run.operation();
    boolean stopping = op != null && "stop".equals(op.getString("kind")) && !"FAILED".equals(op.getString("status"));
    if ((seen == RunState.FINISHED || seen == RunState.CANCELED) && stopping) {
      return "COMPLETED".equals(op.getString("status")) ? RunState.STOPPED : RunState.STOPPING;
    }
    if (seen == RunState.RUNNING && (run.state() == RunState.CANCELLING || run.state() == RunState.STOPPING)) {
      return run.state();
    }
    return seen;
  }

  /** The root cause Flink recorded for the job's latest failure, first lines only. */
  private Future<Optional<String>> rootCause(FlinkRestClient client, Run run) {
    return client.getJson("/jobs/" + run.jobId() + "/exceptions?maxExceptions=1")
        .map(ex -> {
          String text = ex.getString("root-exception");
          JsonArray history = ex.getJsonObject("exceptionHistory", new JsonObject()).getJsonArray("entries", new JsonArray());
          if (text == null && !history.isEmpty()) {
            text = history.getJsonObject(0).getString("stacktrace", history.getJsonObject(0).getString("exceptionName"));
          }
          return Optional.ofNullable(text).map(RunWatcher::head);
        })
        .otherwise(Optional.empty())
        // a connector's exception can carry a password (a JDBC URL, a JAAS line): scrubbed like a submission failure
        .compose(cause -> cause.isEmpty() ? Future.succeededFuture(cause) : runs.scrub(run, cause.get()).map(Optional::of));
  }

  private Future<Void> checkpoint(FlinkRestClient client, Run run) {
    return client.getJson("/jobs/" + run.jobId() + "/checkpoints").compose(cp -> {
      JsonObject completed = cp.getJsonObject("latest", new JsonObject()).getJsonObject("completed");
      if (completed == null) {
        return Future.succeededFuture();
      }
      JsonObject last = new JsonObject().put("id", completed.getLong("id"))
          .put("at", completed.getLong("latest_ack_timestamp") == null ? null
              : Instant.ofEpochMilli(completed.getLong("latest_ack_timestamp")))
          .put("path", completed.getString("external_path"));
      Future<Void> saved = store.checkpoint(run.id(), last);
      String path = completed.getString("external_path");
      return path == null || path.isBlank() || "<checkpoint-not-externally-addressable>".equals(path) ? saved
          : saved.compose(ok -> store.recordSavepoint(run.pipelineId(), run.id(), "checkpoint", "checkpoint", path));
    }).otherwise(err -> null);
  }

  private static String head(String stackTrace) {
    String[] lines = stackTrace.split("\n");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(lines.length, 12); i++) {
      sb.append(lines[i]).append('\n');
    }
    // the root cause is the last "Caused by" line of the whole trace
    for (int i = lines.length - 1; i >= 0; i--) {
      if (lines[i].startsWith("Caused by:")) {
        return lines[i].substring("Caused by:".length()).trim() + "\n" + sb;
      }
    }
    return sb.toString().trim();
  }
}
