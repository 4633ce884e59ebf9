package io.cdcconsole.health;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One measurement of a RUNNING job, at the metrics cadence. A value the connector does not report
 * is null and named in {@code notReported} — never a made-up zero. Totals ({@code recordsOut}, the
 * checkpoint counts, {@code restarts}) are since the job started, so that differences between
 * samples say what happened in between.
 *
 * @param fetchLagMs {@code currentFetchEventTimeLag}: fetch time minus the change's time in the
 *     database
 * @param emitLagMs {@code currentEmitEventTimeLag}: emit time minus the change's time
 * @param sourceIdleMs {@code sourceIdleTime}: how long the source has not received anything
 * @param snapshot snapshot progress where the connector reports it (e.g. {@code splitsFinished},
 *     {@code splitsTotal})
 * @param checkpointAt when the latest completed checkpoint was acknowledged
 * @param checkpointFailedAt when the latest failed checkpoint failed
 * @param caughtUp the source is idle: it had nothing to read now and sent no record since the
 *     previous sample (see {@link #caughtUpSince})
 */
public record HealthSample(
    Instant at,
    Long fetchLagMs,
    Long emitLagMs,
    Long sourceIdleMs,
    Double recordsInPerSecond,
    Double recordsOutPerSecond,
    Long recordsOut,
    JsonObject snapshot,
    Long schemaChanges,
    Long checkpointId,
    Instant checkpointAt,
    Long checkpointDurationMs,
    Long checkpointSizeBytes,
    Long checkpointsTriggered,
    Long checkpointsInProgress,
    Long checkpointsFailed,
    Instant checkpointFailedAt,
    int restarts,
    List<String> notReported,
    boolean caughtUp) {

  /**
   * The lag that says how far behind the sink is: the emit lag where reported, else the fetch lag.
   */
  public Long lagMs() {
    if (caughtUp) {
      return 0L;
    }
    return emitLagMs != null ? emitLagMs : fetchLagMs;
  }

  /**
   * This sample, marked caught up when the source is idle since {@code previous}: nothing to read
   * now ({@code sourceIdleTime} above zero) and no record out in between. The MySQL source sets its
   * lags only when it reads a change, so on an idle database they keep the last change's value
   * forever; without this, a lag over a threshold (LAGGING, a LAG alert, the freshness gate) could
   * never clear once the changes stop. One idle instant is not enough: a reader whose binlog client
   * is slower than itself is briefly idle while the binlog still has a backlog, but then records
   * keep flowing between samples.
   *
   * <p>The JobManager answers task metrics from a cache it refreshes every {@code
   * metrics.fetcher.update-interval} (10 s by default): sampled more often, a sample can repeat the
   * previous reading exactly (an idle source's idle time would have grown, a busy one's records
   * moved). Such a copy says nothing new and keeps the previous sample's state.
   */
  public HealthSample caughtUpSince(HealthSample previous) {
    boolean sameReading =
        previous != null
            && Objects.equals(recordsOut, previous.recordsOut())
            && Objects.equals(sourceIdleMs, previous.sourceIdleMs())
            && Objects.equals(fetchLagMs, previous.fetchLagMs())
            && Objects.equals(emitLagMs, previous.emitLagMs());
    boolean idle =
        sameReading
            ? previous.caughtUp()
            : previous != null
                && sourceIdleMs != null
                && sourceIdleMs > 0
                && recordsOut != null
                && recordsOut.equals(previous.recordsOut());
    return idle == caughtUp
        ? this
        : new HealthSample(
            at,
            fetchLagMs,
            emitLagMs,
            sourceIdleMs,
            recordsInPerSecond,
            recordsOutPerSecond,
            recordsOut,
            snapshot,
            schemaChanges,
            checkpointId,
            checkpointAt,
            checkpointDurationMs,
            checkpointSizeBytes,
            checkpointsTriggered,
            checkpointsInProgress,
            checkpointsFailed,
            checkpointFailedAt,
            restarts,
            notReported,
            idle);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("at", at)
        .put("fetchLagMs", fetchLagMs)
        .put("emitLagMs", emitLagMs)
        .put("sourceIdleMs", sourceIdleMs)
        .put("recordsInPerSecond", recordsInPerSecond)
        .put("recordsOutPerSecond", recordsOutPerSecond)
        .put("recordsOut", recordsOut)
        .put("snapshot", snapshot)
        .put("schemaChanges", schemaChanges)
        .put("checkpointId", checkpointId)
        .put("checkpointAt", checkpointAt)
        .put("checkpointDurationMs", checkpointDurationMs)
        .put("checkpointSizeBytes", checkpointSizeBytes)
        .put("checkpointsTriggered", checkpointsTriggered)
        .put("checkpointsInProgress", checkpointsInProgress)
        .put("checkpointsFailed", checkpointsFailed)
        .put("checkpointFailedAt", checkpointFailedAt)
        .put("restarts", restarts)
        .put("notReported", new JsonArray(List.copyOf(notReported)))
        .put("caughtUp", caughtUp);
  }

  /** The stored form: without nulls (a history point is a few dozen bytes). */
  public JsonObject toCompactJson() {
    JsonObject json = toJson();
    json.fieldNames().removeIf(name -> json.getValue(name) == null);
    if (notReported.isEmpty()) {
      json.remove("notReported");
    }
    if (!caughtUp) {
      json.remove("caughtUp");
    }
    return json;
  }

  public static HealthSample fromJson(JsonObject json) {
    return new HealthSample(
        json.getInstant("at"),
        json.getLong("fetchLagMs"),
        json.getLong("emitLagMs"),
        json.getLong("sourceIdleMs"),
        json.getDouble("recordsInPerSecond"),
        json.getDouble("recordsOutPerSecond"),
        json.getLong("recordsOut"),
        json.getJsonObject("snapshot"),
        json.getLong("schemaChanges"),
        json.getLong("checkpointId"),
        json.getInstant("checkpointAt"),
        json.getLong("checkpointDurationMs"),
        json.getLong("checkpointSizeBytes"),
        json.getLong("checkpointsTriggered"),
        json.getLong("checkpointsInProgress"),
        json.getLong("checkpointsFailed"),
        json.getInstant("checkpointFailedAt"),
        json.getInteger("restarts", 0),
        json.getJsonArray("notReported", new JsonArray()).stream().map(String::valueOf).toList(),
        json.getBoolean("caughtUp", false));
  }
}
