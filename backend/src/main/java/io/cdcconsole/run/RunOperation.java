package io.cdcconsole.run;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Optional;

/**
 * A run's savepoint or stop, as its {@code run_operation} row holds it: recorded (IN_PROGRESS, with
 * the console's own trigger id, claimed by the console that records it) before Flink is asked, then
 * COMPLETED with the savepoint's location or FAILED with the reason. {@code id} and {@code runId}
 * are 0 for one not stored yet.
 */
record RunOperation(
    long id,
    long runId,
    String kind,
    String triggerId,
    String status,
    Instant startedAt,
    Optional<String> targetDirectory,
    boolean drain,
    boolean periodic,
    int attempt,
    String location,
    String error,
    Instant finishedAt,
    Claim claim) {
  static final String STOP = "stop";
  static final String SAVEPOINT = "savepoint";
  static final String IN_PROGRESS = "IN_PROGRESS";
  static final String COMPLETED = "COMPLETED";
  static final String FAILED = "FAILED";

  /** A new operation under way, started now, not stored yet. */
  static RunOperation begin(
      String kind,
      String triggerId,
      Instant now,
      Optional<String> targetDirectory,
      boolean drain,
      boolean periodic) {
    return new RunOperation(
        0,
        0,
        kind,
        triggerId,
        IN_PROGRESS,
        now,
        targetDirectory,
        drain,
        periodic,
        1,
        null,
        null,
        null,
        Claim.NONE);
  }

  boolean stop() {
    return STOP.equals(kind);
  }

  boolean inProgress() {
    return IN_PROGRESS.equals(status);
  }

  boolean completed() {
    return COMPLETED.equals(status);
  }

  boolean failed() {
    return FAILED.equals(status);
  }

  /** In progress, and no console follows it now (never claimed, or its lease ran out). */
  boolean orphaned(Instant now) {
    return inProgress() && !claim.live(now);
  }

  /** What wrote a savepoint, as the ledger says it. */
  String source() {
    return stop() ? "stop" : periodic ? "periodic" : "manual";
  }

  /**
   * The operation as the API shows it (the {@code RunOperation} schema, the shape the JSON column
   * had): who follows it is the console's business, not the API's.
   */
  JsonObject toJson() {
    JsonObject json =
        new JsonObject()
            .put("kind", kind)
            .put("triggerId", triggerId)
            .put("status", status)
            .put("startedAt", startedAt)
            .put("targetDirectory", targetDirectory.orElse(null));
    if (stop()) {
      json.put("drain", drain);
    }
    if (periodic) {
      json.put("periodic", true);
    }
    if (location != null) {
      json.put("location", location);
    }
    if (error != null || !inProgress()) {
      json.put("error", error);
    }
    if (finishedAt != null) {
      json.put("finishedAt", finishedAt);
    }
    return json;
  }
}
