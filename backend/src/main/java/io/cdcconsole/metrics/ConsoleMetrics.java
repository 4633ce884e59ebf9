package io.cdcconsole.metrics;

import io.cdcconsole.cluster.Cluster;
import io.cdcconsole.cluster.ClusterHealthWatcher;
import io.cdcconsole.cluster.FlinkCallListener;
import io.cdcconsole.cluster.FlinkRestClient.FlinkRestException;
import io.cdcconsole.run.RunEvents;
import io.cdcconsole.run.RunState;
import io.cdcconsole.store.EventFanout;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's metrics in one Prometheus registry: Vert.x's own (HTTP server by route template,
 * status and method; the SQL pool's use and waits; event bus) when Vert.x was built with {@link
 * #vertxBuilder}, and the console's: event-loop delay, run transitions and submissions (heard on
 * the event bus), Flink REST calls and watcher looks per cluster, cluster health, and gauges of
 * runs by state, stale runs and DolphinScheduler deliveries read from the database at most once per
 * {@link #REFRESH} (never per scrape).
 *
 * <p>Labels are bounded: route templates (never raw paths), states, cluster names; no run or
 * pipeline ids.
 */
public final class ConsoleMetrics {
  private static final Logger LOG = LoggerFactory.getLogger(ConsoleMetrics.class);
  static final Duration REFRESH = Duration.ofSeconds(10);
  private static final long LOOP_PROBE_MS = 200;

  /**
   * Latency buckets of every timer: 1 ms .. 30 s, enough for requests, queries and Flink calls
   * alike.
   */
  private static final double[] BUCKETS_NANOS =
      Arrays.stream(new long[] {1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000})
          .mapToDouble(ms -> Duration.ofMillis(ms).toNanos())
          .toArray();

  private final Vertx vertx;
  private final PrometheusMeterRegistry registry;
  private final Map<Long, String> clusterNames = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> clusterHealthy = new ConcurrentHashMap<>();

  /**
   * Runs this process saw enter SUBMITTING, with when (nanoTime): the submit latency ends when they
   * leave it.
   */
  private final Map<Long, Long> submitting = new ConcurrentHashMap<>();

  private final MultiGauge runs;
  private final MultiGauge staleRuns;
  private final MultiGauge dsDeliveries;
  // registered at start, so the series exists (at 0) before the first drop: an alert on its rate
  // needs it
  private final Counter streamsDropped;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private final AtomicLong lastRefresh = new AtomicLong();
  private volatile boolean stopped;
  private long refreshTimer = -1;

  public ConsoleMetrics(Vertx vertx, PrometheusMeterRegistry registry) {
    this.vertx = vertx;
    this.registry = registry;
    this.runs =
        MultiGauge.builder("cdc.runs")
            .description("Active (non-terminal) runs by cluster and state")
            .register(registry);
    this.staleRuns =
        MultiGauge.builder("cdc.runs.stale")
            .description("Active runs whose cluster has not answered for them lately")
            .register(registry);
    this.dsDeliveries =
        MultiGauge.builder("cdc.ds.deliveries")
            .description(
                "DolphinScheduler trigger deliveries not delivered, by status (PENDING, FAILED)")
            .register(registry);
    this.streamsDropped =
        Counter.builder("cdc.event.streams.dropped")
            .description("Event streams (GET /events) closed because the client did not read")
            .register(registry);
    Gauge.builder(
            "cdc.metrics.refresh.age",
            lastRefresh,
            last ->
                last.get() == 0 ? Double.NaN : (System.currentTimeMillis() - last.get()) / 1000.0)
        .description("Seconds since the database gauges were last read")
        .baseUnit("seconds")
        .register(registry);
  }

  /** A registry with this console's latency buckets on every timer. */
  public static PrometheusMeterRegistry newRegistry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // Vert.x names every route a request passed, joined by '>' ("/api/>/api/v1/pipelines/:id": the
    // audit, body
    // and guard routes first); the last is the one that answered
    registry
        .config()
        .meterFilter(
            MeterFilter.replaceTagValues(
                Label.HTTP_ROUTE.toString(), route -> route.substring(route.lastIndexOf('>') + 1)));
    registry
        .config()
        .meterFilter(
            new MeterFilter() {
              @Override
              public DistributionStatisticConfig configure(
                  Meter.Id id, DistributionStatisticConfig config) {
                return id.getType() == Meter.Type.TIMER
                    ? DistributionStatisticConfig.builder()
                        .serviceLevelObjectives(BUCKETS_NANOS)
                        .build()
                        .merge(config)
                    : config;
              }
            });
    return registry;
  }

  /**
   * A Vert.x builder that reports into {@code registry}: HTTP server requests labelled by route
   * template, method and status (never the raw path), pools by type and name, the event bus without
   * addresses (reply addresses are unbounded); raw TCP and datagram metrics off.
   */
  public static VertxBuilder vertxBuilder(VertxOptions options, PrometheusMeterRegistry registry) {
    MicrometerMetricsOptions metrics =
        new MicrometerMetricsOptions()
            .setEnabled(true)
            .setLabels(
                EnumSet.of(
                    Label.HTTP_ROUTE,
                    Label.HTTP_METHOD,
                    Label.HTTP_CODE,
                    Label.POOL_TYPE,
                    Label.POOL_NAME,
                    Label.EB_SIDE))
            .addDisabledMetricsCategory(MetricsDomain.NET_SERVER)
            .addDisabledMetricsCategory(MetricsDomain.NET_CLIENT)
            .addDisabledMetricsCategory(MetricsDomain.DATAGRAM_SOCKET);
    return Vertx.builder()
        .with(options.setMetricsOptions(metrics))
        .withMetrics(new MicrometerMetricsFactory(registry));
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The text exposition, rendered off the event loop. */
  public Future<String> scrape() {
    return vertx.executeBlocking(registry::scrape, false);
  }

  /** Starts listening and the periodic work: the database gauges and the event-loop probes. */
  public Future<Void> start(Pool pool) {
    // what this replica observed: another replica counts its own (a sum over replicas counts each
    // transition once)
    consumers.add(
        vertx
            .eventBus()
            .<JsonObject>consumer(
                RunEvents.ADDRESS,
                msg -> {
                  if (!EventFanout.fromOtherReplica(msg)) {
                    transition(msg.body());
                  }
                }));
    consumers.add(
        vertx
            .eventBus()
            .<JsonObject>consumer(
                ClusterHealthWatcher.ADDRESS,
                msg -> {
                  if (!EventFanout.fromOtherReplica(msg)) {
                    health(msg.body());
                  }
                }));
    MetricsStore store = new MetricsStore(pool);
    refresh(store);
    refreshTimer = vertx.setPeriodic(REFRESH.toMillis(), id -> refresh(store));
    List<EventExecutor> loops = new ArrayList<>();
    ((VertxInternal) vertx).nettyEventLoopGroup().forEach(loops::add);
    for (int i = 0; i < loops.size(); i++) {
      Timer delay =
          Timer.builder("cdc.event.loop.delay")
              .description(
                  "How late a timer on the event loop ran: time the loop was busy with something else")
              .tag("loop", Integer.toString(i))
              .register(registry);
      probe(loops.get(i), delay);
    }
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).mapEmpty();
  }

  public Future<Void> stop() {
    stopped = true;
    vertx.cancelTimer(refreshTimer);
    List<Future<Void>> unregistered = consumers.stream().map(MessageConsumer::unregister).toList();
    consumers.clear();
    return Future.join(unregistered).mapEmpty();
  }

  /** Times every Flink REST call of {@code cluster}'s client, by outcome. */
  public FlinkCallListener flinkCalls(Cluster cluster) {
    String name = cluster.name();
    clusterNames.put(cluster.id(), name);
    Timer ok = flinkTimer(name, "ok");
    Timer httpError = flinkTimer(name, "http_error");
    Timer unreachable = flinkTimer(name, "unreachable");
    return (nanos, failure) ->
        (failure == null
                ? ok
                : failure instanceof FlinkRestException e && e.status() > 0
                    ? httpError
                    : unreachable)
            .record(nanos, TimeUnit.NANOSECONDS);
  }

  private Timer flinkTimer(String cluster, String outcome) {
    return Timer.builder("cdc.flink.rest")
        .description("Flink REST calls by cluster and outcome")
        .tags("cluster", cluster, "outcome", outcome)
        .register(registry);
  }

  /**
   * One look of the run watcher at a cluster (its jobs overview and the comparison with the stored
   * runs).
   */
  public void watcherTick(long clusterId, long nanos) {
    Timer.builder("cdc.run.watcher.tick")
        .description("One look of the run watcher at a cluster")
        .tag("cluster", clusterNames.getOrDefault(clusterId, Long.toString(clusterId)))
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /** How many clusters this console watches under their leases (one gauge per console). */
  public void clusterLeases(java.util.function.IntSupplier held) {
    // strong: the supplier is a method reference nobody else keeps (a weak one reads NaN after GC)
    Gauge.builder("cdc.cluster.leases.held", held, h -> h.getAsInt())
        .strongReference(true)
        .description("Clusters this console watches under their leases")
        .register(registry);
  }

  /** An event stream dropped because its client did not read (its write queue was full). */
  public void eventStreamDropped() {
    streamsDropped.increment();
  }

  private void transition(JsonObject event) {
    String to = event.getString("to");
    String from = event.getString("from");
    Counter.builder("cdc.run.transitions")
        .description("Stored run state transitions, by the state entered")
        .tag("to", to == null ? "" : to)
        .register(registry)
        .increment();
    Long runId = event.getLong("runId");
    if (runId == null) {
      return;
    }
    if (RunState.SUBMITTING.name().equals(to)) {
      submitting.put(runId, System.nanoTime());
    } else if (RunState.SUBMITTING.name().equals(from)) {
      Long since = submitting.remove(runId);
      String outcome = RunState.FAILED_TO_SUBMIT.name().equals(to) ? "failed" : "submitted";
      Timer timer =
          Timer.builder("cdc.run.submit")
              .description(
                  "From a start accepted to the job known to Flink (or the submission failed)")
              .tag("outcome", outcome)
              .register(registry);
      if (since != null) {
        timer.record(System.nanoTime() - since, TimeUnit.NANOSECONDS);
      }
    }
  }

  private void health(JsonObject event) {
    String name = event.getString("name");
    Long id = event.getLong("clusterId");
    if (name == null) {
      return;
    }
    if (id != null) {
      clusterNames.put(id, name);
    }
    String status = event.getString("status");
    clusterHealthy
        .computeIfAbsent(
            name,
            n -> {
              AtomicInteger value = new AtomicInteger(-1);
              Gauge.builder("cdc.cluster.status", value, AtomicInteger::get)
                  .description(
                      "The cluster's last probe: 2 healthy, 1 degraded, 0 unreachable, -1 unknown")
                  .tag("cluster", n)
                  .register(registry);
              return value;
            })
        .set(
            switch (status == null ? "" : status) {
              case "HEALTHY" -> 2;
              case "DEGRADED" -> 1;
              case "UNREACHABLE" -> 0;
              default -> -1;
            });
  }

  /**
   * The database gauges: one grouped count of the active runs (an index covers the non-terminal
   * states), one of the DolphinScheduler deliveries not delivered, and the cluster names. A failed
   * read keeps the last values.
   */
  private void refresh(MetricsStore store) {
    if (stopped) {
      return;
    }
    Future<Void> runRows =
        store
            .activeRuns()
            .map(
                found -> {
                  List<MultiGauge.Row<?>> byState = new ArrayList<>();
                  Map<String, Long> stale = new java.util.HashMap<>();
                  for (MetricsStore.ActiveRuns r : found) {
                    clusterNames.put(r.clusterId(), r.cluster());
                    byState.add(
                        MultiGauge.Row.of(
                            Tags.of("cluster", r.cluster(), "state", r.state()), r.runs()));
                    stale.merge(r.cluster(), r.stale(), Long::sum);
                  }
                  runs.register(byState, true);
                  staleRuns.register(
                      stale.entrySet().stream()
                          .<MultiGauge.Row<?>>map(
                              e -> MultiGauge.Row.of(Tags.of("cluster", e.getKey()), e.getValue()))
                          .toList(),
                      true);
                  return null;
                });
    Future<Void> dsRows =
        store
            .undeliveredDsDeliveries()
            .map(
                counts -> {
                  dsDeliveries.register(
                      counts.entrySet().stream()
                          .<MultiGauge.Row<?>>map(
                              e -> MultiGauge.Row.of(Tags.of("status", e.getKey()), e.getValue()))
                          .toList(),
                      true);
                  return null;
                });
    Future.all(runRows, dsRows)
        .onSuccess(ok -> lastRefresh.set(System.currentTimeMillis()))
        .onFailure(err -> LOG.debug("Cannot read the database gauges: {}", err.getMessage()));
  }

  /** Schedules a task on the loop and records how much later than asked it ran, then again. */
  private void probe(EventExecutor loop, Timer delay) {
    if (stopped || loop.isShuttingDown()) {
      return;
    }
    long due = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LOOP_PROBE_MS);
    loop.schedule(
        () -> {
          delay.record(Math.max(0, System.nanoTime() - due), TimeUnit.NANOSECONDS);
          probe(loop, delay);
        },
        LOOP_PROBE_MS,
        TimeUnit.MILLISECONDS);
  }
}
