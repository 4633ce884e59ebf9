package io.cdcconsole.health;

/** What a RUNNING job's measurements say, beyond its Flink state. */
public enum HealthStatus {
  /** Nothing below holds (an idle source with nothing to read is healthy). */
  HEALTHY,
  /** The source's lag stayed over the threshold for the configured number of periods. */
  LAGGING,
  /**
   * No records and no checkpoint progress for the configured periods, while there is work (not idle
   * by design).
   */
  STALLED,
  /**
   * Checkpoints fail (over the threshold in the window) and none completed after the latest
   * failure.
   */
  CHECKPOINT_FAILING,
  /** The job restarted more often than the threshold in the window. */
  FLAPPING,
  /** The source still reads its initial snapshot. */
  SNAPSHOTTING,
  /** Not measured yet. */
  UNKNOWN
}
