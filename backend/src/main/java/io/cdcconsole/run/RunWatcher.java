package io.cdcconsole.run;

import io.cdcconsole.cluster.ClusterClients;
import io.cdcconsole.cluster.ClusterLease;
import io.cdcconsole.cluster.ClusterLeases;
import io.cdcconsole.cluster.ClusterService;
import io.cdcconsole.cluster.FlinkGateway;
import io.cdcconsole.cluster.FlinkGateway.JobSummary;
import io.cdcconsole.lifecycle.Background;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches every cluster that has active runs with one {@code GET /jobs/overview} for the whole
 * cluster — never a request per job — at a fixed rate: every {@code pollInterval}, or every {@code
 * fastInterval} while a run there is changing; a look still under way when the next is due makes
 * that one skip, so two looks at one cluster never overlap. Each observed change becomes a stored
 * transition and a {@code run.state} event. An unreachable cluster leaves its runs as they were,
 * marked stale; a job a reachable cluster no longer lists becomes LOST after a grace period. The
 * watcher records what it sees and acts on nothing it did not see: a SUBMITTING run whose JobID
 * Flink lists while nobody holds its submission is tracked; one Flink does not list, and a
 * savepoint or stop nobody follows, are left to {@link RunReconciler}, which the watcher wakes.
 *
 * <p>Between polls the watcher keeps each cluster's active runs in memory (the database stays the
 * truth: the copy is read again after any other write to a run, and at least every {@link
 * #RELOAD_AT_LEAST}). A look in which nothing changed writes one row, the cluster's last-seen time;
 * Flink states, stale flags and missing jobs are written only for the runs they changed, in the
 * same statement. Checkpoints are read on their own budgeted cadence: once per {@code
 * checkpointInterval} per RUNNING job, spread over the interval, at most {@code
 * checkpointsPerSecond} requests per cluster per second — and at once when a job leaves RUNNING.
 * From the same overview it notes when each job's tasks are all running ({@link TasksRunning}).
 *
 * <p>With several consoles on one database each cluster is watched by the console holding its lease
 * ({@link ClusterLeases}); every write of a look is made under that lease, so a console that lost
 * it (paused, cut off) records nothing over its successor's looks. A cluster whose lease this
 * console does not hold is let go; one it gains is watched from the next moment.
 *
 * <p>All of the watcher's state lives on one Vert.x context (the one {@link #start} runs on).
 */
public final class RunWatcher implements Background {
  private static final Logger LOG = LoggerFactory.getLogger(RunWatcher.class);

  /**
   * The copy of a cluster's active runs, and the cluster's definition, are read again at least this
   * often: another replica may have written.
   */
  static final Duration RELOAD_AT_LEAST = Duration.ofMinutes(1);

  private static final long CHECKPOINT_TICK_MS = 1000;

  /** A root cause Flink did not list yet is asked for again this often, this many times. */
  private static final long CAUSE_RETRY_MS = 2000;

  private static final int CAUSE_TRIES = 5;

  /**
   * Spreads the first checkpoint reads of a cluster's runs evenly over the interval (consecutive
   * ids fall far apart).
   */
  private static final double GOLDEN = 0.6180339887498949;

  /** The cadence of watching. */
  public record Timing(
      Duration pollInterval,
      Duration fastInterval,
      Duration lostGrace,
      Duration checkpointInterval,
      int checkpointsPerSecond) {}

  /** What the watcher keeps of one cluster between its polls. */
  private static final class Watched {
    final long clusterId;
    Map<Long, Run> active = new LinkedHashMap<>();
    long generation = -1;
    Instant loadedAt = Instant.MIN;
    long due;
    long timer = -1;
    boolean polling;
    // let go (its lease is another console's): no timer is set for it any more
    boolean gone;
    // the lease the current look writes under
    ClusterLease lease;
    boolean again;
    // the client of the last successful look: the checkpoint turns use it instead of looking the
    // cluster up each second
    FlinkGateway client;
    // the version of the cluster the client was built for, and when the cluster was read
    int clientVersion = -1;
    Instant clientReadAt = Instant.MIN;
    final Map<Long, Long> checkpointDue = new HashMap<>();
    final Set<Long> checkpointing = new HashSet<>();

    Watched(long clusterId, long due) {
      this.clusterId = clusterId;
      this.due = due;
    }

    boolean changing() {
      return active.values().stream().anyMatch(r -> r.state().changing());
    }
  }

  private final Vertx vertx;
  private final RunStore store;
  private final RunService runs;
  private final RunCheckpoints checkpoints;
  private final ClusterService clusters;
  private final ClusterClients clients;
  private final TasksRunning tasksRunning;
  private final CheckpointsSeen checkpointsSeen;
  private final Clock clock;
  private final Timing timing;
  private final WatchRules rules;
  private final Runnable reconcile;
  private final ClusterLeases leases;
  private final Map<Long, Watched> watched = new HashMap<>();
  private final Promise<Void> reconciled = Promise.promise();

  /** Told how long each look at a cluster took (metrics): cluster id, nanoseconds. */
  private volatile java.util.function.ObjLongConsumer<Long> tickListener = (clusterId, nanos) -> {};

  private Context context;
  private final List<Long> timers = new ArrayList<>();
  private final Set<Long> causeTimers = new HashSet<>();
  private boolean stopped;

  RunWatcher(
      Vertx vertx,
      RunStore store,
      RunService runs,
      RunCheckpoints checkpoints,
      ClusterService clusters,
      ClusterClients clients,
      TasksRunning tasksRunning,
      CheckpointsSeen checkpointsSeen,
      Clock clock,
      Timing timing,
      Runnable reconcile,
      ClusterLeases leases) {
    this.vertx = vertx;
    this.store = store;
    this.runs = runs;
    this.checkpoints = checkpoints;
    this.clusters = clusters;
    this.clients = clients;
    this.tasksRunning = tasksRunning;
    this.checkpointsSeen = checkpointsSeen;
    this.clock = clock;
    this.timing = timing;
    this.rules = new WatchRules(timing.lostGrace());
    this.reconcile = reconcile;
    this.leases = leases;
  }

  /**
   * Starts watching; the answer completes when every cluster with active runs has been looked at
   * once.
   */
  @Override
  public Future<Void> start() {
    context = vertx.getOrCreateContext();
    context.runOnContext(
        v ->
            store
                .clustersWithActiveRuns()
                .compose(
                    ids ->
                        Future.join(
                            ids.stream().filter(leases::holds).map(id -> poll(watch(id))).toList()))
                .onComplete(
                    ar -> {
                      if (ar.failed()) {
                        LOG.warn("Start-up reconcile did not finish: {}", ar.cause().getMessage());
                      }
                      reconciled.tryComplete();
                      if (stopped) {
                        return;
                      }
                      watched.values().forEach(w -> advance(w, w.due));
                      // clusters that get active runs by other ways than hurry() (another replica,
                      // a restore of the database)
                      timers.add(
                          vertx.setPeriodic(timing.pollInterval().toMillis(), id -> discover()));
                      timers.add(vertx.setPeriodic(CHECKPOINT_TICK_MS, id -> checkpointTick()));
                      leases.onGained(
                          gained -> context.runOnContext(x -> gained.forEach(this::hurry)));
                    }));
    return reconciled.future();
  }

  public boolean reconciled() {
    return reconciled.future().isComplete();
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
          stopped = true;
          timers.forEach(vertx::cancelTimer);
          timers.clear();
          causeTimers.forEach(vertx::cancelTimer);
          causeTimers.clear();
          watched.values().forEach(w -> vertx.cancelTimer(w.timer));
          done.complete();
        });
    return done.future();
  }

  /**
   * Makes the cluster's next poll come now, with its runs read again: something was just asked of a
   * job there.
   */
  public void hurry(long clusterId) {
    if (context == null) {
      return;
    }
    if (!leases.holds(clusterId)) {
      // perhaps nobody holds it yet (a new cluster): a lease pass now, then hurry if it is ours
      leases
          .passNow()
          .onComplete(
              ar -> {
                if (leases.holds(clusterId)) {
                  hurry(clusterId);
                }
              });
      return;
    }
    context.runOnContext(
        v -> {
          Watched w = watch(clusterId);
          w.generation = -1;
          if (w.polling) {
            w.again = true;
          } else {
            w.due = clock.millis();
            schedule(w);
          }
        });
  }

  /** Who hears how long each look at a cluster took (metrics). */
  public void listenToTicks(java.util.function.ObjLongConsumer<Long> listener) {
    this.tickListener = listener;
  }

  private Watched watch(long clusterId) {
    return watched.computeIfAbsent(clusterId, id -> new Watched(id, clock.millis()));
  }

  private void discover() {
    store
        .clustersWithActiveRuns()
        .onSuccess(
            ids ->
                ids.forEach(
                    id -> {
                      if (!watched.containsKey(id) && !stopped && leases.holds(id)) {
                        schedule(watch(id));
                      }
                    }));
  }

  /** Sets the cluster's timer for its next slot, {@code due}. */
  private void schedule(Watched w) {
    vertx.cancelTimer(w.timer);
    if (stopped || w.gone) {
      return;
    }
    w.timer = vertx.setTimer(Math.max(1, w.due - clock.millis()), id -> slot(w));
  }

  /**
   * A slot of the cluster's fixed-rate schedule: look (unless the last look is still under way) and
   * set the next slot one interval after this one, skipping slots that have already passed.
   */
  private void slot(Watched w) {
    w.timer = -1;
    long slot = w.due;
    if (!w.polling) {
      long start = System.nanoTime();
      poll(w)
          .onComplete(
              ar -> {
                tickListener.accept(w.clusterId, System.nanoTime() - start);
                afterPoll(w, slot);
              });
    }
    advance(w, slot);
  }

  private void advance(Watched w, long from) {
    long interval = interval(w);
    long now = clock.millis();
    long next = from + interval;
    if (next <= now) {
      next += ((now - next) / interval + 1) * interval;
    }
    w.due = next;
    schedule(w);
  }

  private long interval(Watched w) {
    return (w.changing() ? timing.fastInterval() : timing.pollInterval()).toMillis();
  }

  /**
   * After a look: a cluster without active runs is let go; one whose runs started changing gets the
   * fast cadence.
   */
  private void afterPoll(Watched w, long slot) {
    if (stopped) {
      return;
    }
    if (w.active.isEmpty() && !w.again && w.generation == store.generation()) {
      vertx.cancelTimer(w.timer);
      watched.remove(w.clusterId);
      return;
    }
    if (w.again) {
      w.again = false;
      w.due = clock.millis();
      schedule(w);
    } else if (w.due > slot + interval(w)) {
      advance(w, slot);
    }
  }

  /**
   * One look at one cluster: a single overview request, then every active run there compared with
   * it.
   */
  private Future<Void> poll(Watched w) {
    if (w.polling) {
      return Future.succeededFuture();
    }
    Optional<ClusterLease> lease = leases.lease(w.clusterId);
    if (lease.isEmpty()) {
      letGo(w);
      return Future.succeededFuture();
    }
    w.lease = lease.get();
    w.polling = true;
    return load(w)
        .compose(
            active ->
                active.isEmpty()
                    ? Future.<Void>succeededFuture()
                    : client(w)
                        .compose(
                            client ->
                                client
                                    .jobs()
                                    .compose(
                                        overview -> {
                                          w.client = client;
                                          return observe(w, client, jobsById(overview));
                                        },
                                        unreachable -> {
                                          w.client = null;
                                          return unreachable(w);
                                        })))
        .onFailure(err -> LOG.warn("Watching cluster {} failed: {}", w.clusterId, err.getMessage()))
        .eventually(
            () -> {
              w.polling = false;
              return Future.succeededFuture();
            })
        .mapEmpty();
  }

  /**
   * The client of the last successful look while it is the client of the cluster's newest version
   * (an edit — a new URL, new credentials — replaces and closes it); otherwise, and at least once a
   * minute, one built from the cluster as stored. Reading the cluster at every poll was a statement
   * per cluster per poll, 20 a second at 100 clusters.
   */
  private Future<FlinkGateway> client(Watched w) {
    Instant now = clock.instant();
    if (w.client != null
        && clients.version(w.clusterId) == w.clientVersion
        && w.clientReadAt.plus(RELOAD_AT_LEAST).isAfter(now)) {
      return Future.succeededFuture(w.client);
    }
    return clusters
        .find(w.clusterId)
        .compose(
            cluster ->
                clients
                    .gateway(cluster)
                    .onSuccess(
                        client -> {
                          w.clientVersion = cluster.version();
                          w.clientReadAt = now;
                        }));
  }

  /** Another console watches the cluster now: its timer, copy and task marks are dropped. */
  private void letGo(Watched w) {
    w.gone = true;
    vertx.cancelTimer(w.timer);
    watched.remove(w.clusterId, w);
    w.active.values().forEach(this::forget);
  }

  /** What is kept in memory of a job no longer watched here. */
  private void forget(Run run) {
    tasksRunning.forget(run.jobId());
    checkpointsSeen.forget(run.jobId());
  }

  /**
   * The cluster's active runs: the copy kept since the last poll, or read again when a run was
   * written since.
   */
  private Future<Map<Long, Run>> load(Watched w) {
    long generation = store.generation();
    Instant now = clock.instant();
    if (w.generation == generation && w.loadedAt.plus(RELOAD_AT_LEAST).isAfter(now)) {
      return Future.succeededFuture(w.active);
    }
    return store
        .activeOnCluster(w.clusterId)
        .map(
            list -> {
              Map<Long, Run> active = new LinkedHashMap<>();
              list.forEach(run -> active.put(run.id(), run));
              w.active.values().stream()
                  .filter(run -> !active.containsKey(run.id()))
                  .forEach(this::forget);
              w.active = active;
              w.generation = generation;
              w.loadedAt = now;
              w.checkpointDue.keySet().retainAll(active.keySet());
              return active;
            });
  }

  private Future<Void> unreachable(Watched w) {
    return store
        .markStale(w.clusterId, w.lease, true)
        .map(
            changes -> {
              changes.forEach(
                  change ->
                      w.active.computeIfPresent(
                          change.runId(),
                          (id, run) -> run.looked(run.flinkState(), true, run.missingSince())));
              runs.events().stale(changes);
              return null;
            })
        // what the rules ask of a run whose cluster cannot be read: nothing beyond the stale mark
        .compose(
            ok ->
                Future.join(
                        List.copyOf(w.active.values()).stream()
                            .map(run -> apply(w, null, run, WatchRules.UNREADABLE))
                            .toList())
                    .mapEmpty());
  }

  private static Map<String, JobSummary> jobsById(List<JobSummary> overview) {
    Map<String, JobSummary> jobs = new HashMap<>();
    overview.forEach(job -> jobs.put(job.id(), job));
    return jobs;
  }

  /**
   * Compares every active run with the overview: first the look is written (the cluster's last-seen
   * time, and what changed of the runs' stored view, in one statement), then each run that moved is
   * moved, one by one.
   */
  private Future<Void> observe(Watched w, FlinkGateway client, Map<String, JobSummary> jobs) {
    List<RunStore.Seen> changes = new ArrayList<>();
    List<Run> looked = new ArrayList<>(w.active.values());
    for (Run run : looked) {
      JobSummary job = run.jobId() == null ? null : jobs.get(run.jobId());
      tasksRunning.seen(
          run.jobId(),
          job != null
              && RunState.fromFlink(job.state()).orElse(null) == RunState.RUNNING
              && job.allTasksRunning(),
          clock.instant());
      WatchRules.seen(run, sight(jobs, run)).ifPresent(changes::add);
    }
    return store
        .looked(w.clusterId, w.lease, changes)
        .compose(
            look -> {
              if (look.at() == null) {
                LOG.info("Cluster {}: the lease was lost during a look", w.clusterId);
                letGo(w);
                return Future.succeededFuture();
              }
              List<RunStale> fresh = new ArrayList<>();
              Map<Long, RunStore.Looked> changed = new HashMap<>();
              look.changed().forEach(c -> changed.put(c.runId(), c));
              for (RunStore.Seen seen : changes) {
                RunStore.Looked c = changed.get(seen.runId());
                Run run = w.active.get(seen.runId());
                if (c == null || run == null) {
                  continue;
                }
                w.active.put(
                    run.id(),
                    run.looked(
                        seen.flinkState() == null ? run.flinkState() : seen.flinkState(),
                        false,
                        c.missingSince()));
                if (c.wasStale()) {
                  fresh.add(
                      new RunStale(c.runId(), c.pipelineId(), c.pipeline(), false, look.at()));
                }
              }
              runs.events().stale(fresh);
              return Future.join(
                      looked.stream()
                          .map(run -> w.active.get(run.id()))
                          .filter(java.util.Objects::nonNull)
                          .map(
                              run ->
                                  apply(w, client, run, sight(jobs, run))
                                      .recover(
                                          err -> {
                                            LOG.warn("Run {}: {}", run.id(), err.getMessage());
                                            return Future.succeededFuture();
                                          }))
                          .toList())
                  .mapEmpty();
            });
  }

  private static WatchRules.Sight sight(Map<String, JobSummary> jobs, Run run) {
    JobSummary job = jobs.get(run.jobId());
    return job == null ? WatchRules.UNLISTED : new WatchRules.Listed(job.state());
  }

  /**
   * Does what {@link WatchRules#decide} asks of one run beyond the look itself: a transition, a
   * word to the reconciler, nothing.
   */
  private Future<Void> apply(Watched w, FlinkGateway client, Run run, WatchRules.Sight sight) {
    WatchRules.Decision d = rules.decide(run, sight, clock.instant());
    if (d.reconcile()) {
      reconcile.run(); // stored work nobody holds: the reconciler claims it, here or elsewhere
    }
    if (d.watchCheckpoints()) {
      w.checkpointDue.computeIfAbsent(run.id(), id -> firstCheckpointRead(id));
    }
    if (d.act() == WatchRules.Act.KEEP) {
      return Future.succeededFuture();
    }
    // a move is decided again on the run as stored now: the copy kept between looks does not see
    // what another console wrote since (a stop it began makes a FINISHED job STOPPED, not FINISHED)
    return store
        .find(run.id())
        .compose(
            found -> {
              Run fresh = found.orElse(null);
              if (fresh == null || fresh.state().terminal()) {
                return Future.succeededFuture();
              }
              w.active.computeIfPresent(fresh.id(), (id, kept) -> fresh);
              WatchRules.Decision again = rules.decide(fresh, sight, clock.instant());
              return again.act() == WatchRules.Act.MOVE
                  ? move(w, client, fresh, again)
                  : Future.succeededFuture();
            });
  }

  /** Does a MOVE decision: the checkpoint and root cause first when asked, then the transition. */
  private Future<Void> move(Watched w, FlinkGateway client, Run run, WatchRules.Decision d) {
    RunState to = d.to();
    Future<Void> checkpointed =
        d.checkpointFirst() ? checkpoints.fetch(client, run).mapEmpty() : Future.succeededFuture();
    return checkpointed
        .compose(
            ok ->
                d.rootCause()
                    ? rootCause(client, run)
                    : Future.succeededFuture(Optional.<String>empty()))
        .compose(
            cause -> {
              Future<Void> saved =
                  cause.isPresent()
                      ? store.error(run.id(), w.lease, cause.get())
                      : Future.succeededFuture();
              if (d.countRestart()) {
                saved = saved.compose(ok -> store.restarts(run.id(), w.lease, run.restarts() + 1));
              }
              return saved
                  .compose(
                      ok ->
                          runs.observed(
                              run,
                              w.lease,
                              to,
                              d.source(),
                              d.detail() + cause.map(c -> ": " + c).orElse("")))
                  .onSuccess(
                      moved -> {
                        if (d.rootCause() && cause.isEmpty() && moved.isPresent()) {
                          causeLater(w.clusterId, client, run, CAUSE_TRIES);
                        }
                      });
            })
        .mapEmpty();
  }

  /**
   * Flink's exception history can lag the job's end (its REST answers are cached for {@code
   * web.refresh-interval}, 3 s by default; a loaded JobManager is later still): a move without a
   * root cause reads it again, every {@link #CAUSE_RETRY_MS} up to {@code tries} times, and keeps
   * the first one found as the run's last error.
   */
  private void causeLater(long clusterId, FlinkGateway client, Run run, int tries) {
    if (tries == 0 || stopped) {
      return;
    }
    long[] id = new long[1];
    id[0] =
        vertx.setTimer(
            CAUSE_RETRY_MS,
            fired -> {
              causeTimers.remove(id[0]);
              Optional<ClusterLease> lease = leases.lease(clusterId);
              if (stopped || lease.isEmpty()) {
                return;
              }
              rootCause(client, run)
                  .compose(
                      cause -> {
                        if (cause.isEmpty()) {
                          causeLater(clusterId, client, run, tries - 1);
                          return Future.succeededFuture();
                        }
                        return store.error(run.id(), lease.get(), cause.get());
                      })
                  .onFailure(
                      err ->
                          LOG.debug("Run {}: root cause not kept: {}", run.id(), err.getMessage()));
            });
    causeTimers.add(id[0]);
  }

  private long firstCheckpointRead(long runId) {
    double spread = (runId * GOLDEN) % 1.0;
    return clock.millis() + (long) (spread * timing.checkpointInterval().toMillis());
  }

  /**
   * Reads the checkpoints of the RUNNING jobs whose turn it is: per cluster at most {@code
   * checkpointsPerSecond} requests this second, the longest-due first; a job whose turn is taken
   * waits for the next second.
   */
  private void checkpointTick() {
    if (stopped) {
      return;
    }
    long now = clock.millis();
    for (Watched w : watched.values()) {
      FlinkGateway client = w.client;
      if (client == null || !leases.holds(w.clusterId)) {
        continue;
      }
      List<Run> due =
          w.active.values().stream()
              .filter(
                  run ->
                      run.state() == RunState.RUNNING
                          && !run.stale()
                          && !w.checkpointing.contains(run.id()))
              .filter(run -> w.checkpointDue.getOrDefault(run.id(), Long.MAX_VALUE) <= now)
              .sorted(Comparator.comparingLong(run -> w.checkpointDue.get(run.id())))
              .limit(timing.checkpointsPerSecond())
              .toList();
      if (due.isEmpty()) {
        continue;
      }
      long interval = timing.checkpointInterval().toMillis();
      due.forEach(
          run -> {
            long next = w.checkpointDue.get(run.id()) + interval;
            w.checkpointDue.put(run.id(), next <= now ? now + interval : next);
            w.checkpointing.add(run.id());
          });
      Future.join(
              due.stream()
                  .map(
                      run ->
                          // what the health sampler read since the last turn, else Flink now
                          checkpointsSeen
                              .takeSince(run.jobId(), now - interval)
                              .map(latest -> checkpoints.record(run, latest))
                              .orElseGet(() -> checkpoints.fetch(client, run))
                              .onSuccess(
                                  cp -> {
                                    if (cp != null) {
                                      w.active.computeIfPresent(
                                          run.id(), (id, r) -> r.withCheckpoint(cp));
                                    }
                                  }))
                  .toList())
          .onComplete(ar -> due.forEach(run -> w.checkpointing.remove(run.id())));
    }
  }

  /** The root cause Flink recorded for the job's latest failure, first lines only. */
  private Future<Optional<String>> rootCause(FlinkGateway client, Run run) {
    return client
        .exceptions(run.jobId())
        .map(ex -> ex.rootCause().map(FlinkErrors::head))
        .otherwise(Optional.empty())
        // a connector's exception can carry a password (a JDBC URL, a JAAS line): scrubbed like a
        // submission failure
        .compose(
            cause ->
                cause.isEmpty()
                    ? Future.succeededFuture(cause)
                    : runs.scrub(run, cause.get()).map(Optional::of));
  }
}
