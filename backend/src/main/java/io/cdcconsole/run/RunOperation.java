package io.cdcconsole.run;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Optional;

/**
 * A run's savepoint or stop, as its {@code operation} column holds it: recorded (IN_PROGRESS, with
 * the console's own trigger id) before Flink is asked, then COMPLETED with the savepoint's location
 * or FAILED with the reason. The one place that knows the column's keys.
 */
record RunOperation(
    String kind,
    String triggerId,
    String status,
    Instant startedAt,
    Optional<String> targetDirectory,
    boolean drain,
    boolean periodic,
    String location,
    String error,
    Instant finishedAt) {
  static final String STOP = "stop";
  static final String SAVEPOINT = "savepoint";
  static final String IN_PROGRESS = "IN_PROGRESS";
  static final String COMPLETED = "COMPLETED";
  static final String FAILED = "FAILED";

  /** A new operation under way, started now. */
  static RunOperation begin(
      String kind,
      String triggerId,
      Instant now,
      Optional<String> targetDirectory,
      boolean drain,
      boolean periodic) {
    return new RunOperation(
        kind, triggerId, IN_PROGRESS, now, targetDirectory, drain, periodic, null, null, null);
  }

  /** The stored operation; empty for none. A start time that cannot be read is {@code now}. */
  static Optional<RunOperation> of(JsonObject json, Instant now) {
    if (json == null) {
      return Optional.empty();
    }
    Instant started;
    try {
      started = json.getInstant("startedAt");
    } catch (RuntimeException e) {
      started = null;
    }
    Instant finished;
    try {
      finished = json.getInstant("finishedAt");
    } catch (RuntimeException e) {
      finished = null;
    }
    return Optional.of(
        new RunOperation(
            json.getString("kind"),
            json.getString("triggerId"),
            json.getString("status"),
            started == null ? now : started,
            Optional.ofNullable(json.getString("targetDirectory")),
            json.getBoolean("drain", false),
            json.getBoolean("periodic", false),
            json.getString("location"),
            json.getString("error"),
            finished));
  }

  static Optional<RunOperation> of(Run run, Instant now) {
    return of(run.operation(), now);
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

  /** What wrote a savepoint, as the ledger says it. */
  String source() {
    return stop() ? "stop" : periodic ? "periodic" : "manual";
  }

  RunOperation completedAt(String location, Instant at) {
    return new RunOperation(
        kind,
        triggerId,
        COMPLETED,
        startedAt,
        targetDirectory,
        drain,
        periodic,
        location,
        null,
        at);
  }

  RunOperation failedAt(String why, Instant at) {
    return new RunOperation(
        kind,
        triggerId,
        FAILED,
        startedAt,
        targetDirectory,
        drain,
        periodic,
        location,
        why,
        finishedAt == null ? at : finishedAt);
  }

  /** A note while it goes on (a refused stop about to be sent again). */
  RunOperation noting(String note) {
    return new RunOperation(
        kind,
        triggerId,
        status,
        startedAt,
        targetDirectory,
        drain,
        periodic,
        location,
        note,
        finishedAt);
  }

  /** The column's shape, as the API shows it (the {@code RunOperation} schema). */
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
