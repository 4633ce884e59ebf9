package io.cdcconsole.run;

import io.cdcconsole.cluster.FlinkGateway;
import io.cdcconsole.error.ValidationFailed;
import io.vertx.core.Future;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which jar id a bundle has on each cluster: found among the cluster's jars by its content-hashed
 * name, else uploaded — after checking that it fits the cluster's upload limit, so a too-large
 * bundle fails with a clear message instead of a dropped connection.
 */
final class LauncherUploads {
  private static final String MAX_CONTENT = "rest.server.max-content-length";
  private static final long DEFAULT_MAX_CONTENT = 104_857_600L;

  /** Room for the multipart framing around the jar. */
  private static final long MULTIPART_OVERHEAD = 64 * 1024;

  private record Key(long clusterId, String fileName) {}

  private final Map<Key, Future<String>> jarIds = new ConcurrentHashMap<>();

  Future<String> jarId(long clusterId, FlinkGateway flink, LaunchBundles.Bundle bundle) {
    return jarIds.compute(
        new Key(clusterId, bundle.fileName()),
        (key, known) -> known != null && !known.failed() ? known : findOrUpload(flink, bundle));
  }

  /**
   * Forgets the cluster's jars, e.g. after Flink said it no longer has one (the JobManager
   * restarted).
   */
  void forget(long clusterId) {
    jarIds.keySet().removeIf(key -> key.clusterId() == clusterId);
  }

  private static Future<String> findOrUpload(FlinkGateway flink, LaunchBundles.Bundle bundle) {
    return flink
        .jars()
        .compose(
            jars -> {
              for (FlinkGateway.JarFile file : jars) {
                if (bundle.fileName().equals(file.name())) {
                  return Future.succeededFuture(file.id());
                }
              }
              return uploadLimit(flink)
                  .compose(
                      limit -> {
                        if (bundle.size() + MULTIPART_OVERHEAD > limit) {
                          return Future.failedFuture(
                              ValidationFailed.of(
                                  "cluster.cdc",
                                  String.format(
                                      "the jar to upload (launcher with Flink CDC) is %.1f MiB, more than the cluster accepts (%s = %.1f MiB): "
                                          + "raise %s on the cluster, or put Flink CDC on its class path and set the cluster's cdc.mode to provided",
                                      bundle.size() / 1048576.0,
                                      MAX_CONTENT,
                                      limit / 1048576.0,
                                      MAX_CONTENT)));
                        }
                        return flink.uploadJar(bundle.fileName(), bundle.file());
                      });
            });
  }

  private static Future<Long> uploadLimit(FlinkGateway flink) {
    return flink
        .jobManagerConfig(MAX_CONTENT)
        .map(
            value -> {
              try {
                return value.map(v -> Long.parseLong(v.trim())).orElse(DEFAULT_MAX_CONTENT);
              } catch (NumberFormatException notANumber) {
                return DEFAULT_MAX_CONTENT;
              }
            })
        .otherwise(DEFAULT_MAX_CONTENT);
  }
}
