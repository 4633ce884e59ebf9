package io.cdcconsole.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A run's stored operation as the API shows it (the shape the former JSON column had), and when
 * nobody follows it.
 */
class RunOperationTest {
  private static final Instant T0 = Instant.parse("2026-12-07T01:00:00Z");
  private static final Instant T1 = Instant.parse("2026-12-07T01:00:05Z");

  private static RunOperation stored(
      RunOperation op, String status, String location, String error, Claim claim) {
    return new RunOperation(
        5,
        7,
        op.kind(),
        op.triggerId(),
        status,
        op.startedAt(),
        op.targetDirectory(),
        op.drain(),
        op.periodic(),
        op.attempt(),
        location,
        error,
        RunOperation.IN_PROGRESS.equals(status) ? null : T1,
        claim);
  }

  @Test
  void aStopUnderWayThenCompletedShowsTheDocumentedShapeWithoutItsClaim() {
    RunOperation stop =
        RunOperation.begin(
            RunOperation.STOP, "ab".repeat(16), T0, Optional.of("file:/sp"), true, false);
    assertEquals(
        new JsonObject()
            .put("kind", "stop")
            .put("triggerId", "ab".repeat(16))
            .put("status", "IN_PROGRESS")
            .put("startedAt", T0)
            .put("targetDirectory", "file:/sp")
            .put("drain", true),
        stored(stop, RunOperation.IN_PROGRESS, null, null, new Claim("me", T1, 1)).toJson(),
        "who follows it is not the API's business");
    assertTrue(stop.inProgress());
    assertEquals("stop", stop.source());

    JsonObject done =
        stored(stop, RunOperation.COMPLETED, "file:/sp/savepoint-1", null, Claim.NONE).toJson();
    assertEquals("COMPLETED", done.getString("status"));
    assertEquals("file:/sp/savepoint-1", done.getString("location"));
    assertTrue(
        done.containsKey("error") && done.getValue("error") == null,
        "a completed operation shows no error");
    assertEquals(T1, done.getInstant("finishedAt"));
  }

  @Test
  void aPeriodicSavepointFailsWithItsReasonAndIsOrphanedOnlyWhileInProgressAndUnheld() {
    RunOperation periodic =
        RunOperation.begin(
            RunOperation.SAVEPOINT, "cd".repeat(16), T0, Optional.empty(), false, true);
    assertEquals("periodic", periodic.source());
    JsonObject failed =
        stored(periodic, RunOperation.FAILED, null, "savepoint given up: …", Claim.NONE).toJson();
    assertEquals("FAILED", failed.getString("status"));
    assertTrue(failed.getBoolean("periodic"));
    assertFalse(failed.containsKey("drain"), "only a stop drains");
    assertEquals("savepoint given up: …", failed.getString("error"));

    Claim held = new Claim("me", T1, 2);
    assertFalse(stored(periodic, RunOperation.IN_PROGRESS, null, null, held).orphaned(T0));
    assertTrue(
        stored(periodic, RunOperation.IN_PROGRESS, null, null, held).orphaned(T1),
        "a lease that ends now has run out");
    assertTrue(stored(periodic, RunOperation.IN_PROGRESS, null, null, Claim.NONE).orphaned(T0));
    assertFalse(
        stored(periodic, RunOperation.FAILED, null, "x", Claim.NONE).orphaned(T0),
        "an ended operation needs nobody");
    assertEquals(
        "manual",
        RunOperation.begin("savepoint", "x", T0, Optional.empty(), false, false).source());
  }
}
