package io.cdcconsole.run;

import io.cdcconsole.cluster.ClusterService;
import io.cdcconsole.config.Durations;
import io.cdcconsole.error.NotFound;
import io.cdcconsole.error.ValidationFailed;
import io.cdcconsole.pipeline.PipelineService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * Periodic savepoint intervals: a pipeline's own ({@code "off"} is an explicit off; null inherits)
 * and a cluster's default (null: off). Written as durations ({@code 30m}, {@code 6h}); between
 * {@link #MIN} and {@link #MAX}.
 */
public final class SavepointSchedules {
  static final Duration MIN = Duration.ofSeconds(1);
  static final Duration MAX = Duration.ofDays(30);
  static final String OFF = "off";

  private final SavepointStore store;
  private final PipelineService pipelines;
  private final ClusterService clusters;

  SavepointSchedules(SavepointStore store, PipelineService pipelines, ClusterService clusters) {
    this.store = store;
    this.pipelines = pipelines;
    this.clusters = clusters;
  }

  /**
   * {@code interval} (the pipeline's own: a duration, "off", or null), {@code clusterDefault},
   * {@code effective}.
   */
  public Future<JsonObject> ofPipeline(String pipelineRef) {
    return pipelines
        .get(pipelineRef)
        .compose(p -> store.schedule(p.id()))
        .map(
            found -> {
              SavepointStore.Schedule s =
                  found.orElseThrow(() -> new NotFound("No such pipeline."));
              return new JsonObject()
                  .put(
                      "interval",
                      s.ownMs() == null ? null : s.ownMs() == 0 ? OFF : format(s.ownMs()))
                  .put("clusterDefault", s.clusterMs() == null ? null : format(s.clusterMs()))
                  .put("effective", s.effectiveMs() == 0 ? OFF : format(s.effectiveMs()));
            });
  }

  /**
   * Sets the pipeline's interval from the body's {@code interval}: a duration, "off", or null (the
   * cluster's).
   */
  public Future<JsonObject> setPipeline(String pipelineRef, JsonObject body) {
    Long ms;
    try {
      ms = parse(body, true);
    } catch (ValidationFailed e) {
      return Future.failedFuture(e);
    }
    return pipelines
        .get(pipelineRef)
        .compose(p -> store.setPipelineInterval(p.id(), ms).compose(ok -> ofPipeline(pipelineRef)));
  }

  public Future<JsonObject> ofCluster(String clusterRef) {
    return cluster(clusterRef)
        .compose(store::clusterInterval)
        .map(
            found -> {
              long ms = found.orElseThrow(() -> new NotFound("No such cluster."));
              return new JsonObject().put("interval", ms == 0 ? null : format(ms));
            });
  }

  /**
   * Sets the cluster's default from the body's {@code interval}: a duration, or null / "off" for
   * none.
   */
  public Future<JsonObject> setCluster(String clusterRef, JsonObject body) {
    Long ms;
    try {
      ms = parse(body, false);
    } catch (ValidationFailed e) {
      return Future.failedFuture(e);
    }
    return cluster(clusterRef)
        .compose(id -> store.setClusterInterval(id, ms).compose(ok -> ofCluster(clusterRef)));
  }

  private Future<Long> cluster(String ref) {
    return clusters.find(ref).map(c -> c.id());
  }

  /**
   * The body's interval in ms: null for null; 0 for "off" where an explicit off is kept, else null.
   */
  private static Long parse(JsonObject body, boolean explicitOff) {
    if (body == null || !body.containsKey("interval")) {
      throw ValidationFailed.of(
          "interval", "required: a duration such as 30m or 6h, \"off\", or null");
    }
    Object value = body.getValue("interval");
    if (value == null) {
      return null;
    }
    if (!(value instanceof String text)) {
      throw ValidationFailed.of("interval", "must be a string such as 30m or 6h, \"off\", or null");
    }
    if (OFF.equalsIgnoreCase(text.trim())) {
      return explicitOff ? 0L : null;
    }
    Duration d;
    try {
      d = text.length() > 40 ? null : Durations.parse(text);
    } catch (IllegalArgumentException e) {
      d = null;
    }
    if (d == null || d.compareTo(MIN) < 0 || d.compareTo(MAX) > 0) {
      throw ValidationFailed.of(
          "interval", "a duration between 1s and 30d (such as 30m or 6h), or \"off\"");
    }
    return d.toMillis();
  }

  /** Milliseconds as the largest unit that divides them exactly: 21600000 → 6h. */
  static String format(long ms) {
    long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1000L};
    String[] units = {"d", "h", "m", "s"};
    for (int i = 0; i < sizes.length; i++) {
      if (ms % sizes[i] == 0) {
        return ms / sizes[i] + units[i];
      }
    }
    return ms + "ms";
  }
}
