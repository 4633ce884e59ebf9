package io.cdcconsole.cluster;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * What the last probe of a cluster found. {@code lastSeen} is the last time it answered at all,
 * kept across failures, so that an outage shows since when.
 */
public record ClusterHealth(
    Status status,
    String flinkVersion,
    Integer taskManagers,
    Integer slotsTotal,
    Integer slotsFree,
    Integer runningJobs,
    Long latencyMs,
    Instant lastSeen,
    Instant checkedAt,
    String error,
    FlinkCdcDetection flinkCdc) {

  public enum Status {
    UNKNOWN,
    HEALTHY,
    DEGRADED,
    UNREACHABLE
  }

  public static final ClusterHealth UNKNOWN =
      new ClusterHealth(Status.UNKNOWN, null, null, null, null, null, null, null, null, null, null);

  public boolean reachable() {
    return status == Status.HEALTHY || status == Status.DEGRADED;
  }

  public static ClusterHealth unreachable(ClusterHealth previous, Instant now, String error) {
    return new ClusterHealth(
        Status.UNREACHABLE,
        previous.flinkVersion(),
        null,
        null,
        null,
        null,
        null,
        previous.lastSeen(),
        now,
        error,
        previous.flinkCdc());
  }

  /**
   * HEALTHY when there is a TaskManager with a free slot; DEGRADED when there is none: jobs could
   * not be placed.
   */
  public static ClusterHealth answered(
      String flinkVersion,
      int taskManagers,
      int slotsTotal,
      int slotsFree,
      int runningJobs,
      long latencyMs,
      Instant now) {
    Status status = taskManagers > 0 && slotsFree > 0 ? Status.HEALTHY : Status.DEGRADED;
    String why =
        taskManagers == 0
            ? "no TaskManager is registered"
            : slotsFree == 0 ? "no free task slot" : null;
    return new ClusterHealth(
        status,
        flinkVersion,
        taskManagers,
        slotsTotal,
        slotsFree,
        runningJobs,
        latencyMs,
        now,
        now,
        why,
        null);
  }

  /**
   * The same, with the Flink CDC found on the JobManager's class path (null: none found, or not
   * asked).
   */
  public ClusterHealth withFlinkCdc(FlinkCdcDetection detected) {
    return new ClusterHealth(
        status,
        flinkVersion,
        taskManagers,
        slotsTotal,
        slotsFree,
        runningJobs,
        latencyMs,
        lastSeen,
        checkedAt,
        error,
        detected);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("status", status.name())
        .put("reachable", reachable())
        .put("flinkVersion", flinkVersion)
        .put("taskManagers", taskManagers)
        .put("slotsTotal", slotsTotal)
        .put("slotsFree", slotsFree)
        .put("runningJobs", runningJobs)
        .put("latencyMs", latencyMs)
        .put("lastSeen", lastSeen)
        .put("checkedAt", checkedAt)
        .put("error", error)
        .put("flinkCdcVersion", flinkCdc == null ? null : flinkCdc.version());
  }
}
