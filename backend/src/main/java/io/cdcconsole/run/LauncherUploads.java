package io.cdcconsole.run;

import io.cdcconsole.cluster.FlinkRestClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Which jar id the launcher has on each cluster: found among the cluster's jars by its hashed name, else uploaded. */
public final class LauncherUploads {
  private static final Duration UPLOAD_TIMEOUT = Duration.ofMinutes(2);

  private final Future<LauncherJar> jar;
  private final Map<Long, Future<String>> jarIds = new ConcurrentHashMap<>();

  /** {@code jar} fails when this build has no launcher: then every submission fails, saying so. */
  public LauncherUploads(Future<LauncherJar> jar) {
    this.jar = jar;
  }

  public Future<String> jarId(long clusterId, FlinkRestClient client) {
    return jar.compose(j -> jarIds.compute(clusterId,
        (id, known) -> known != null && !known.failed() ? known : findOrUpload(j, client)));
  }

  /** Forgets the cluster's jar, e.g. after Flink answered 404 for it (the JobManager restarted and lost its uploads). */
  public void forget(long clusterId) {
    jarIds.remove(clusterId);
  }

  private static Future<String> findOrUpload(LauncherJar jar, FlinkRestClient client) {
    return client.getJson("/jars").compose(list -> {
      JsonArray files = list.getJsonArray("files", new JsonArray());
      for (Object f : files) {
        JsonObject file = (JsonObject) f;
        if (jar.fileName().equals(file.getString("name"))) {
          return Future.succeededFuture(file.getString("id"));
        }
      }
      return client.uploadJar(jar.fileName(), jar.bytes(), UPLOAD_TIMEOUT).map(uploaded -> {
        String path = uploaded.getString("filename");
        return path.substring(path.lastIndexOf('/') + 1);
      });
    });
  }
}
