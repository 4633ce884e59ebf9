package io.cdcconsole.health;

import io.cdcconsole.cluster.ClusterClients;
import io.cdcconsole.cluster.ClusterLease;
import io.cdcconsole.cluster.ClusterLeases;
import io.cdcconsole.cluster.ClusterService;
import io.cdcconsole.cluster.FlinkGateway;
import io.cdcconsole.lifecycle.Background;
import io.cdcconsole.run.CheckpointsSeen;
import io.cdcconsole.run.RunEvents;
import io.cdcconsole.run.TasksRunning;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures every RUNNING job at its own cadence, apart from the run watcher (its timers and
 * requests never delay a state poll): once per {@code interval} per job, spread over the interval,
 * at most {@code perClusterPerSecond} jobs per cluster per second. Each measurement is two requests
 * (the source vertex's subtask metrics and the job's checkpoint statistics); the source vertex and
 * its metric names are found once per job from the job plan. Each sample goes into the run's
 * history with the verdict over the recent samples, and out as a {@code run.health} event.
 *
 * <p>All of the watcher's state lives on one Vert.x context (the one {@link #start} runs on).
 */
public final class HealthWatcher implements Background {
  private static final Logger LOG = LoggerFactory.getLogger(HealthWatcher.class);
  private static final long TICK_MS = 1000;
  private static final Duration PRUNE_EVERY = Duration.ofHours(1);
  private static final Duration RELOAD_AT_LEAST = Duration.ofMinutes(1);
  private static final double GOLDEN = 0.6180339887498949;

  /**
   * How stale a {@code /checkpoints} answer can be: Flink serves it from a cache kept for {@code
   * web.refresh-interval} (3 s by default), and the request itself takes a while. A sample taken
   * this long after the job's tasks all ran counts every checkpoint refused before.
   */
  private static final Duration ANSWER_LAG = Duration.ofSeconds(5);

  /** Samples kept in memory per job beyond what the window needs: the lag and stall spans. */
  private static final int SPAN_SAMPLES = 64;

  /** The cadence of measuring, and how long the history is kept. */
  public record Timing(Duration interval, int perClusterPerSecond, Duration keep) {}

  private static final class Job {
    HealthStore.Watched run;
    long due;
    boolean busy;
    SourceMetrics.Plan plan;
    final Deque<HealthSample> recent = new ArrayDeque<>();

    Job(HealthStore.Watched run, long due) {
      this.run = run;
      this.due = due;
    }
  }

  private final Vertx vertx;
  private final HealthStore store;
  private final ClusterService clusters;
  private final ClusterClients clients;
  private final TasksRunning tasksRunning;
  private final CheckpointsSeen checkpointsSeen;
  private final ClusterLeases leases;
  private final Clock clock;
  private final Timing timing;
  private final HealthThresholds thresholds;
  private final Map<Long, Job> jobs = new HashMap<>();
  private final List<Long> timers = new ArrayList<>();
  private final List<MessageConsumer<Object>> consumers = new ArrayList<>();
  private Context context;
  private boolean stopped;

  /** A run changed state or staleness (here or on another replica) since the last reload. */
  private boolean runsChanged = true;

  private long reloadedAt;

  public HealthWatcher(
      Vertx vertx,
      HealthStore store,
      ClusterService clusters,
      ClusterClients clients,
      TasksRunning tasksRunning,
      CheckpointsSeen checkpointsSeen,
      ClusterLeases leases,
      Clock clock,
      Timing timing,
      HealthThresholds thresholds) {
    this.vertx = vertx;
    this.store = store;
    this.clusters = clusters;
    this.clients = clients;
    this.tasksRunning = tasksRunning;
    this.checkpointsSeen = checkpointsSeen;
    this.leases = leases;
    this.clock = clock;
    this.timing = timing;
    this.thresholds = thresholds;
  }

  @Override
  public Future<Void> start() {
    context = vertx.getOrCreateContext();
    context.runOnContext(
        v -> {
          // registered on this context: the flag is only touched here
          for (String address : List.of(RunEvents.ADDRESS, RunEvents.STALE_ADDRESS)) {
            consumers.add(vertx.eventBus().consumer(address, m -> runsChanged = true));
          }
          reload();
          timers.add(
              vertx.setPeriodic(
                  Math.min(timing.interval().toMillis(), 5000), id -> reloadIfChanged()));
          timers.add(vertx.setPeriodic(TICK_MS, id -> tick()));
          timers.add(vertx.setPeriodic(PRUNE_EVERY.toMillis(), id -> prune()));
          prune();
        });
    return Future.succeededFuture();
  }

  /** On the watcher's context, where its timers are set: none is set after this. */
  @Override
  public Future<Void> stop() {
    if (context == null) {
      return Future.succeededFuture();
    }
    Promise<Void> done = Promise.promise();
    context.runOnContext(
        v -> {
          this.stopped = true;
          timers.forEach(vertx::cancelTimer);
          timers.clear();
          consumers.forEach(MessageConsumer::unregister);
          consumers.clear();
          done.complete();
        });
    return done.future();
  }

  /**
   * Reads the RUNNING jobs again only when a run changed, or a minute after the last read (a change
   * no event told of: a restored database): reading every run every 5 s was, at 10 000 runs, most
   * of what PostgreSQL did while nothing happened.
   */
  private void reloadIfChanged() {
    if (runsChanged || clock.millis() - reloadedAt >= RELOAD_AT_LEAST.toMillis()) {
      reload();
    }
  }

  /**
   * The RUNNING jobs as stored: new ones get their first turn spread over the interval, ended ones
   * are let go.
   */
  private void reload() {
    runsChanged = false;
    reloadedAt = clock.millis();
    store
        .running()
        .onSuccess(
            running -> {
              Set<Long> ids =
                  running.stream().map(HealthStore.Watched::runId).collect(Collectors.toSet());
              jobs.keySet().retainAll(ids);
              long now = clock.millis();
              for (HealthStore.Watched run : running) {
                Job job = jobs.get(run.runId());
                if (job == null || !job.run.jobId().equals(run.jobId())) {
                  // first looks spread over the interval (consecutive ids fall far apart), so a
                  // cluster's jobs never bunch up
                  double spread = (run.runId() * GOLDEN) % 1.0;
                  jobs.put(
                      run.runId(),
                      new Job(run, now + (long) (spread * timing.interval().toMillis())));
                } else {
                  job.run = run;
                }
              }
            })
        .onFailure(
            err -> {
              runsChanged = true;
              if (!stopped) {
                LOG.warn("Health: running jobs not read: {}", err.getMessage());
              }
            });
  }

  private void tick() {
    if (stopped) {
      return;
    }
    long now = clock.millis();
    Map<Long, List<Job>> due =
        jobs.values().stream()
            .filter(job -> !job.busy && job.due <= now && leases.holds(job.run.clusterId()))
            .collect(Collectors.groupingBy(job -> job.run.clusterId()));
    long interval = timing.interval().toMillis();
    due.values()
        .forEach(
            list ->
                list.stream()
                    .sorted(Comparator.comparingLong(job -> job.due))
                    .limit(timing.perClusterPerSecond())
                    .forEach(
                        job -> {
                          long next = job.due + interval;
                          job.due = next <= now ? now + interval : next;
                          job.busy = true;
                          measure(job)
                              .onComplete(
                                  ar -> {
                                    job.busy = false;
                                    if (ar.failed()) {
                                      LOG.debug(
                                          "Health of run {}: {}",
                                          job.run.runId(),
                                          ar.cause().getMessage());
                                    }
                                  });
                        }));
  }

  private Future<Void> measure(Job job) {
    Optional<ClusterLease> lease = leases.lease(job.run.clusterId());
    if (lease.isEmpty()) {
      return Future.succeededFuture();
    }
    return clusters
        .find(job.run.clusterId())
        .compose(clients::gateway)
        .compose(flink -> plan(flink, job).compose(plan -> sample(flink, job, plan)))
        .compose(
            measured -> {
              HealthSample sample = measured.caughtUpSince(job.recent.peekLast());
              job.recent.addLast(sample);
              Instant from = sample.at().minus(thresholds.window());
              while (job.recent.size() > SPAN_SAMPLES
                  && job.recent.peekFirst().at().isBefore(from)) {
                job.recent.removeFirst();
              }
              HealthVerdict verdict =
                  Verdicts.decide(
                      List.copyOf(job.recent),
                      thresholds,
                      sample.at(),
                      tasksRunning
                          .since(job.run.jobId())
                          .map(since -> since.plus(ANSWER_LAG))
                          .orElse(null));
              HealthStore.Current current =
                  new HealthStore.Current(job.run.runId(), sample.at(), verdict, sample);
              return store
                  .record(job.run.runId(), lease.get(), sample, verdict)
                  .onSuccess(
                      ok ->
                          vertx
                              .eventBus()
                              .publish(HealthEvents.ADDRESS, HealthEvents.event(job.run, current)));
            });
  }

  /**
   * The job's source vertex and metric names, found once (and its recent history, after a console
   * restart).
   */
  private Future<SourceMetrics.Plan> plan(FlinkGateway flink, Job job) {
    if (job.plan != null) {
      return Future.succeededFuture(job.plan);
    }
    String jobId = job.run.jobId();
    return flink
        .plan(jobId)
        .compose(
            vertices -> {
              Optional<String> source = SourceMetrics.sourceVertex(vertices);
              if (source.isEmpty()) {
                return Future.failedFuture("the job plan has no source vertex yet");
              }
              String vertex = source.get();
              return Future.all(
                      flink.subtaskMetricNames(jobId, vertex),
                      store.history(
                          job.run.runId(),
                          clock.instant().minus(thresholds.window()),
                          SPAN_SAMPLES))
                  .compose(
                      all -> {
                        SourceMetrics.Plan found = SourceMetrics.plan(vertex, all.resultAt(0));
                        if (found.names().isEmpty()) {
                          // the JobManager fetches task metrics lazily: none yet means ask again
                          // next turn
                          return Future.failedFuture("no metrics of the source vertex yet");
                        }
                        job.plan = found;
                        if (job.recent.isEmpty()) {
                          job.recent.addAll(all.<List<HealthSample>>resultAt(1));
                        }
                        return Future.succeededFuture(found);
                      });
            });
  }

  private Future<HealthSample> sample(FlinkGateway flink, Job job, SourceMetrics.Plan plan) {
    String jobId = job.run.jobId();
    Future<FlinkGateway.Checkpoints> checkpoints =
        flink
            .checkpoints(jobId)
            .onSuccess(answer -> checkpointsSeen.seen(jobId, answer.latest(), clock.millis()));
    return Future.all(flink.subtaskMetrics(jobId, plan.vertexId(), plan.toRead()), checkpoints)
        .map(
            all ->
                SourceMetrics.sample(
                    clock.instant(), plan, all.resultAt(0), all.resultAt(1), job.run.restarts()));
  }

  private void prune() {
    store
        .prune(clock.instant(), timing.keep())
        .onSuccess(n -> LOG.debug("Health history: {} points pruned", n))
        .onFailure(
            err -> {
              if (!stopped) {
                LOG.warn("Health history not pruned: {}", err.getMessage());
              }
            });
  }
}
