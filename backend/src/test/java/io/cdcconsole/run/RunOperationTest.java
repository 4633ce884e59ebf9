package io.cdcconsole.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The run's stored operation read into its record and written back in the same shape the API
 * documents.
 */
class RunOperationTest {
  private static final Instant T0 = Instant.parse("2026-12-07T01:00:00Z");
  private static final Instant T1 = Instant.parse("2026-12-07T01:00:05Z");

  @Test
  void aStopIsWrittenUnderWayThenCompletedInTheColumnsShapeAndReadBackTheSame() {
    RunOperation stop =
        RunOperation.begin(
            RunOperation.STOP, "ab".repeat(16), T0, Optional.of("file:/sp"), true, false);
    JsonObject begun = stop.toJson();
    assertEquals(
        new JsonObject()
            .put("kind", "stop")
            .put("triggerId", "ab".repeat(16))
            .put("status", "IN_PROGRESS")
            .put("startedAt", T0)
            .put("targetDirectory", "file:/sp")
            .put("drain", true),
        begun);
    assertEquals(Optional.of(stop), RunOperation.of(begun, T1));
    assertTrue(stop.inProgress());
    assertEquals("stop", stop.source());

    JsonObject done = stop.noting("refused once").completedAt("file:/sp/savepoint-1", T1).toJson();
    assertEquals("COMPLETED", done.getString("status"));
    assertEquals("file:/sp/savepoint-1", done.getString("location"));
    assertTrue(
        done.containsKey("error") && done.getValue("error") == null,
        "a completed operation clears its note");
    assertEquals(T1, done.getInstant("finishedAt"));
  }

  @Test
  void aPeriodicSavepointFailsWithItsReasonAndAnUnreadableStartIsNow() {
    RunOperation periodic =
        RunOperation.begin(
            RunOperation.SAVEPOINT, "cd".repeat(16), T0, Optional.empty(), false, true);
    assertEquals("periodic", periodic.source());
    JsonObject failed = periodic.failedAt("savepoint given up: …", T1).toJson();
    assertEquals("FAILED", failed.getString("status"));
    assertTrue(failed.getBoolean("periodic"));
    assertFalse(failed.containsKey("drain"), "only a stop drains");
    assertEquals("savepoint given up: …", failed.getString("error"));
    RunOperation manual =
        RunOperation.of(
                new JsonObject()
                    .put("kind", "savepoint")
                    .put("status", "IN_PROGRESS")
                    .put("startedAt", "not a time"),
                T1)
            .orElseThrow();
    assertEquals(T1, manual.startedAt());
    assertEquals("manual", manual.source());
    assertEquals(Optional.empty(), RunOperation.of((JsonObject) null, T1));
  }
}
