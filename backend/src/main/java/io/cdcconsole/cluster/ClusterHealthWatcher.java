package io.cdcconsole.cluster;

import io.cdcconsole.error.ClusterUnavailable;
import io.cdcconsole.lifecycle.Background;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes every registered cluster on a timer ({@code GET /overview}) and keeps what it found.
 * {@code GET /config} (the Flink version) and {@code GET /jobmanager/environment} (the Flink CDC
 * jars on the class path) are read once per cluster, and again after the cluster was changed or did
 * not answer (it may have been upgraded meanwhile), not on every probe. Probes run side by side and
 * each is bounded by the client's timeout, and a cluster whose probe is still under way is skipped
 * by the next tick, so a slow or broken cluster never delays the others. Status changes are
 * published on the event bus at {@link #ADDRESS}.
 */
public final class ClusterHealthWatcher implements Background {
  public static final String ADDRESS = "cluster.health";
  private static final Logger LOG = LoggerFactory.getLogger(ClusterHealthWatcher.class);

  private final Vertx vertx;
  private final ClusterStore store;
  private final ClusterClients clients;
  private final Clock clock;
  private final Duration interval;
  private final Map<Long, ClusterHealth> health = new ConcurrentHashMap<>();
  // the Flink version read from /config and the Flink CDC found in /jobmanager/environment, per
  // cluster, with the
  // version of the cluster's settings they were read for
  private final Map<Long, Versioned> versions = new ConcurrentHashMap<>();

  private record Versioned(int clusterVersion, String flinkVersion, FlinkCdcDetection flinkCdc) {}

  private final Set<Long> probing = ConcurrentHashMap.newKeySet();
  private long timerId = -1;

  public ClusterHealthWatcher(
      Vertx vertx, ClusterStore store, ClusterClients clients, Clock clock, Duration interval) {
    this.vertx = vertx;
    this.store = store;
    this.clients = clients;
    this.clock = clock;
    this.interval = interval;
  }

  @Override
  public Future<Void> start() {
    tick();
    timerId = vertx.setPeriodic(interval.toMillis(), id -> tick());
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> stop() {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
    return Future.succeededFuture();
  }

  public ClusterHealth health(long clusterId) {
    return health.getOrDefault(clusterId, ClusterHealth.UNKNOWN);
  }

  public void forget(long clusterId) {
    health.remove(clusterId);
    versions.remove(clusterId);
    clients.forget(clusterId);
  }

  /**
   * Probes one cluster now (e.g. right after it was added or changed) and answers what it found.
   */
  public Future<ClusterHealth> probe(Cluster cluster) {
    if (!probing.add(cluster.id())) {
      return Future.succeededFuture(health(cluster.id()));
    }
    long started = System.nanoTime();
    return clients
        .gateway(cluster)
        .compose(
            flink -> {
              Future<FlinkGateway.ClusterOverview> overview = flink.overview();
              Versioned known = versions.get(cluster.id());
              boolean fresh = known != null && known.clusterVersion() == cluster.version();
              Future<Optional<String>> config =
                  fresh
                      ? Future.succeededFuture(Optional.ofNullable(known.flinkVersion()))
                      : flink.flinkVersion();
              // the class path tells the cluster's Flink CDC (Flink 1.17+; older ones answer 404:
              // nothing detected)
              Future<Optional<FlinkCdcDetection>> cdc =
                  fresh
                      ? Future.succeededFuture(Optional.ofNullable(known.flinkCdc()))
                      : flink
                          .jobManagerEnvironment()
                          .map(FlinkCdcDetection::fromEnvironment)
                          .otherwise(Optional.empty());
              return Future.all(overview, config, cdc)
                  .map(
                      done -> {
                        long latency = Duration.ofNanos(System.nanoTime() - started).toMillis();
                        ClusterHealth found =
                            answered(overview.result(), config.result(), latency)
                                .withFlinkCdc(cdc.result().orElse(null));
                        if (found.flinkVersion() != null) {
                          versions.put(
                              cluster.id(),
                              new Versioned(
                                  cluster.version(), found.flinkVersion(), found.flinkCdc()));
                        }
                        return found;
                      });
            })
        .otherwise(
            err -> {
              versions.remove(cluster.id());
              return ClusterHealth.unreachable(
                  health(cluster.id()), clock.instant(), describe(err));
            })
        .onComplete(ar -> probing.remove(cluster.id()))
        .map(found -> record(cluster, found));
  }

  private void tick() {
    store
        .all()
        .onSuccess(clusters -> clusters.forEach(this::probe))
        .onFailure(err -> LOG.warn("Cannot list clusters to probe: {}", err.getMessage()));
  }

  private ClusterHealth answered(
      FlinkGateway.ClusterOverview overview, Optional<String> config, long latencyMs) {
    try {
      String version = config.orElse(overview.flinkVersion());
      return ClusterHealth.answered(
          version,
          overview.taskManagers(),
          overview.slotsTotal(),
          overview.slotsAvailable(),
          overview.jobsRunning(),
          latencyMs,
          clock.instant());
    } catch (NullPointerException e) {
      throw new FlinkRestClient.FlinkRestException(200, "the answer is not a Flink /overview");
    }
  }

  private ClusterHealth record(Cluster cluster, ClusterHealth found) {
    ClusterHealth previous = health.put(cluster.id(), found);
    ClusterHealth.Status before =
        previous == null ? ClusterHealth.Status.UNKNOWN : previous.status();
    if (before != found.status()) {
      LOG.info(
          "Cluster '{}' is {} (was {}){}",
          cluster.name(),
          found.status(),
          before,
          found.error() == null ? "" : ": " + found.error());
      vertx
          .eventBus()
          .publish(
              ADDRESS,
              new JsonObject()
                  .put("clusterId", cluster.id())
                  .put("name", cluster.name())
                  .put("status", found.status().name())
                  .put("previous", before.name())
                  .put("health", found.toJson()));
    }
    return found;
  }

  private static String describe(Throwable failure) {
    Throwable err =
        failure instanceof ClusterUnavailable unavailable ? unavailable.getCause() : failure;
    if (err instanceof java.util.concurrent.TimeoutException
        || String.valueOf(err.getMessage()).toLowerCase().contains("timeout")
        || String.valueOf(err.getMessage()).toLowerCase().contains("timed out")) {
      return "no answer within the probe timeout";
    }
    return err.getMessage() == null ? err.getClass().getSimpleName() : err.getMessage();
  }
}
