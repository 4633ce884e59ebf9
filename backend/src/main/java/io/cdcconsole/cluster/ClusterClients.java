package io.cdcconsole.cluster;

import io.cdcconsole.config.SecretCipher;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link FlinkRestClient} per cluster, built (secrets decrypted) once per cluster version off
 * the event loop and reused by every probe and, later, every job call.
 */
public final class ClusterClients {
  private record Key(long id, int version) {}

  private final Vertx vertx;
  private final SecretCipher cipher;
  private final Duration timeout;
  private final Map<Long, Map.Entry<Key, Future<FlinkRestClient>>> clients =
      new ConcurrentHashMap<>();
  private volatile java.util.function.Function<Cluster, FlinkCallListener> calls =
      cluster -> FlinkCallListener.NONE;

  public ClusterClients(Vertx vertx, SecretCipher cipher, Duration timeout) {
    this.vertx = vertx;
    this.cipher = cipher;
    this.timeout = timeout;
  }

  /** Who hears of every Flink call of a cluster's client (metrics): built with the client. */
  public void listenToCalls(java.util.function.Function<Cluster, FlinkCallListener> calls) {
    this.calls = calls;
  }

  /**
   * The client for this version of the cluster. Built at most once per version, whatever the number
   * of concurrent callers: the entry is chosen inside one atomic {@code compute}, so no second
   * client is built and left unclosed. A caller holding an older version of the cluster gets the
   * newer client rather than replacing it.
   */
  public Future<FlinkRestClient> of(Cluster cluster) {
    Key key = new Key(cluster.id(), cluster.version());
    List<Future<FlinkRestClient>> replaced = new ArrayList<>(1);
    Map.Entry<Key, Future<FlinkRestClient>> chosen =
        clients.compute(
            cluster.id(),
            (id, current) -> {
              if (current != null && current.getKey().version() >= key.version()) {
                return current;
              }
              if (current != null) {
                replaced.add(current.getValue());
              }
              // executeBlocking only schedules the build: nothing blocks inside compute
              return Map.entry(key, vertx.executeBlocking(() -> build(cluster), false));
            });
    replaced.forEach(old -> old.onSuccess(FlinkRestClient::close));
    return chosen.getValue();
  }

  /** The typed Flink API of this version of the cluster, over its client. */
  public Future<FlinkGateway> gateway(Cluster cluster) {
    return of(cluster).map(client -> new FlinkGateway(cluster.name(), client));
  }

  /**
   * The newest version of the cluster a client was asked for here, -1 when none: edits (at once on
   * the console that made them) and the health watcher's probes of every cluster (each interval, on
   * every console) raise it, so a holder of a client can tell that its client was replaced.
   */
  public int version(long clusterId) {
    Map.Entry<Key, Future<FlinkRestClient>> current = clients.get(clusterId);
    return current == null ? -1 : current.getKey().version();
  }

  /** Closes every client (their pools hold timers); the console is stopping. */
  public Future<Void> close() {
    List<Future<Void>> closed = new ArrayList<>();
    clients.values().forEach(entry -> closed.add(entry.getValue().compose(FlinkRestClient::close)));
    clients.clear();
    return Future.join(closed).<Void>mapEmpty().recover(err -> Future.succeededFuture());
  }

  public void forget(long clusterId) {
    Map.Entry<Key, Future<FlinkRestClient>> removed = clients.remove(clusterId);
    if (removed != null) {
      removed.getValue().onSuccess(FlinkRestClient::close);
    }
  }

  private FlinkRestClient build(Cluster cluster) {
    Map<String, String> headers = new LinkedHashMap<>();
    cluster.headers().forEach((name, value) -> headers.put(name, cipher.reveal(value)));
    Cluster.Auth auth = cluster.auth();
    if ("basic".equals(auth.type())) {
      String pair = auth.username() + ":" + cipher.reveal(auth.secret());
      headers.put(
          "Authorization",
          "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    } else if ("bearer".equals(auth.type())) {
      headers.put("Authorization", "Bearer " + cipher.reveal(auth.secret()));
    }
    return new FlinkRestClient(vertx, cluster.restUrl(), headers, cluster.tls(), timeout)
        .listenedBy(calls.apply(cluster));
  }
}
