package io.cdcconsole.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The verdict rules on made-up series with a made-up clock: 30 s periods starting at T0. */
class VerdictsTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final HealthThresholds T =
      new HealthThresholds(Duration.ofSeconds(60), 3, 3, 2, 3, Duration.ofMinutes(10));

  /** A healthy, busy job: records flow, a checkpoint completes every period, lag 1 s. */
  static HealthSample busy(int i) {
    return new HealthSample(
        T0.plusSeconds(30L * i),
        1000L,
        1200L,
        0L,
        10.0,
        10.0,
        300L * i,
        null,
        0L,
        (long) i,
        T0.plusSeconds(30L * i - 5),
        120L,
        4096L,
        (long) i,
        0L,
        0L,
        null,
        0,
        List.of(),
        false);
  }

  static List<HealthSample> series(int n, UnaryOperator<HealthSample> from, int changeAt) {
    List<HealthSample> list = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      list.add(i >= changeAt ? from.apply(busy(i)) : busy(i));
    }
    return list;
  }

  /** The verdict on a job whose tasks all ran since before the series. */
  static HealthVerdict decide(List<HealthSample> s) {
    return decide(s, T0);
  }

  static HealthVerdict decide(List<HealthSample> s, Instant tasksRunningSince) {
    return Verdicts.decide(s, T, s.get(s.size() - 1).at(), tasksRunningSince);
  }

  static HealthSample with(HealthSample s, JsonObject changes) {
    return HealthSample.fromJson(s.toJson().mergeIn(changes));
  }

  @Test
  void nothingMeasuredIsUnknown() {
    assertEquals(HealthStatus.UNKNOWN, Verdicts.decide(List.of(), T, T0, T0).status());
  }

  @Test
  void aBusyJobIsHealthyWithItsLag() {
    HealthVerdict v = decide(series(10, s -> s, 99));
    assertEquals(HealthStatus.HEALTHY, v.status(), v.reason());
    assertTrue(v.reason().contains("1 s"), v.reason());
  }

  @Test
  void lagOverTheThresholdForNPeriodsIsLaggingButFewerPeriodsAreNot() {
    UnaryOperator<HealthSample> late = s -> with(s, new JsonObject().put("emitLagMs", 90_000));
    assertEquals(
        HealthStatus.HEALTHY, decide(series(10, late, 9)).status(), "two periods are not enough");
    HealthVerdict v = decide(series(10, late, 8));
    assertEquals(HealthStatus.LAGGING, v.status());
    assertTrue(v.reason().contains("90 s"), v.reason());
    // the fetch lag counts when the emit lag is not reported
    UnaryOperator<HealthSample> fetchOnly =
        s -> with(s, new JsonObject().putNull("emitLagMs").put("fetchLagMs", 90_000));
    assertEquals(HealthStatus.LAGGING, decide(series(10, fetchOnly, 1)).status());
  }

  @Test
  void anIdleSourceHasCaughtUpThoughItsLagMetricKeepsTheLastChangesValue() {
    // lagging, then the changes stop: the MySQL source keeps reporting the last change's lag
    UnaryOperator<HealthSample> late = s -> with(s, new JsonObject().put("emitLagMs", 90_000));
    List<HealthSample> s = new ArrayList<>(series(5, late, 1));
    assertEquals(HealthStatus.LAGGING, decide(s).status());
    HealthSample last = s.get(4);
    for (int i = 6; i <= 8; i++) {
      HealthSample idle =
          with(
              last,
              new JsonObject()
                  .put("at", T0.plusSeconds(30L * i))
                  .put("checkpointId", (long) i)
                  .put("sourceIdleMs", 30_000L * (i - 5)));
      s.add(idle.caughtUpSince(s.get(s.size() - 1)));
    }
    HealthVerdict v = decide(s);
    assertEquals(HealthStatus.HEALTHY, v.status(), v.reason());
    assertEquals(0L, s.get(s.size() - 1).lagMs());
    assertEquals(90_000L, s.get(s.size() - 1).emitLagMs(), "the metric itself is kept as reported");
    // a source briefly idle while records still flow between samples has not caught up
    HealthSample flowing =
        with(busy(9), new JsonObject().put("emitLagMs", 90_000).put("sourceIdleMs", 5L))
            .caughtUpSince(busy(8));
    assertEquals(90_000L, flowing.lagMs());
    // sampled faster than the JobManager refreshes its metrics: an exact copy of the previous
    // reading keeps its state (records flowed before it, so it has not caught up)
    HealthSample copy =
        with(flowing, new JsonObject().put("at", T0.plusSeconds(30L * 9 + 1)))
            .caughtUpSince(flowing);
    assertEquals(90_000L, copy.lagMs());
    HealthSample caughtUp = s.get(s.size() - 1);
    assertEquals(
        0L,
        with(caughtUp, new JsonObject().put("at", T0.plusSeconds(30L * 9)))
            .caughtUpSince(caughtUp)
            .lagMs());
  }

  @Test
  void anIdleSourceWithoutCheckpointingIsHealthyNotStalled() {
    // from period 4 on: no records, no checkpoints (checkpointing off), the source idle ever since
    List<HealthSample> s = new ArrayList<>(series(3, x -> x, 99));
    HealthSample frozen = s.get(2);
    for (int i = 4; i <= 12; i++) {
      s.add(
          with(
              frozen,
              new JsonObject()
                  .put("at", T0.plusSeconds(30L * i))
                  .put("recordsOutPerSecond", 0.0)
                  .put("sourceIdleMs", 30_000L * (i - 3))));
    }
    HealthVerdict v = decide(s);
    assertEquals(HealthStatus.HEALTHY, v.status(), v.reason());
    assertTrue(v.reason().startsWith("idle"), v.reason());
    // without sourceIdleTime at all, nothing says there is work either
    s.replaceAll(x -> with(x, new JsonObject().putNull("sourceIdleMs")));
    assertEquals(HealthStatus.HEALTHY, decide(s).status());
  }

  @Test
  void noRecordsWhileCheckpointsAreTriggeredButNoneCompletesIsStalled() {
    List<HealthSample> s = new ArrayList<>(series(3, x -> x, 99));
    HealthSample frozen = s.get(2);
    for (int i = 4; i <= 7; i++) {
      s.add(
          with(
              frozen,
              new JsonObject()
                  .put("at", T0.plusSeconds(30L * i))
                  .put("recordsOutPerSecond", 0.0)
                  .put("checkpointsTriggered", i)
                  .put("checkpointsInProgress", 1)
                  .put("sourceIdleMs", 30_000L * (i - 3))));
    }
    HealthVerdict v = decide(s);
    assertEquals(HealthStatus.STALLED, v.status(), v.reason());
    assertTrue(v.reason().contains("checkpoints are triggered"), v.reason());
  }

  @Test
  void noRecordsWhileTheSourceSaysItReceivesIsStalled() {
    List<HealthSample> s = new ArrayList<>(series(3, x -> x, 99));
    HealthSample frozen = s.get(2);
    for (int i = 4; i <= 7; i++) {
      s.add(
          with(
              frozen,
              new JsonObject().put("at", T0.plusSeconds(30L * i)).put("sourceIdleMs", 100L)));
    }
    assertEquals(HealthStatus.STALLED, decide(s).status());
    // one record moved in the span: not stalled
    s.set(5, with(s.get(5), new JsonObject().put("recordsOut", 901)));
    s.set(6, with(s.get(6), new JsonObject().put("recordsOut", 901)));
    assertEquals(HealthStatus.HEALTHY, decide(s.subList(0, 6)).status());
  }

  @Test
  void failedCheckpointsWithNoneCompletedSinceAreCheckpointFailing() {
    List<HealthSample> s = new ArrayList<>(series(5, x -> x, 99));
    HealthSample last = s.get(4);
    for (int i = 6; i <= 8; i++) {
      s.add(
          with(
              last,
              new JsonObject()
                  .put("at", T0.plusSeconds(30L * i))
                  .put("recordsOut", 300L * i)
                  .put("checkpointsFailed", i - 5)
                  .put("checkpointFailedAt", T0.plusSeconds(30L * i - 1))));
    }
    HealthVerdict v = decide(s);
    assertEquals(HealthStatus.CHECKPOINT_FAILING, v.status(), v.reason());
    assertTrue(v.reason().startsWith("3 checkpoints failed"), v.reason());
    // a checkpoint completed after the latest failure: recovered
    s.add(
        with(
            s.get(7),
            new JsonObject()
                .put("at", T0.plusSeconds(270))
                .put("checkpointId", 99)
                .put("checkpointAt", T0.plusSeconds(269))
                .put("recordsOut", 3000)));
    assertEquals(HealthStatus.HEALTHY, decide(s).status());
  }

  @Test
  void failuresWithoutAFailureTimeCountWhenNoCheckpointCompletedSince() {
    // a checkpoint that fails before it is pending (its directory cannot be made) has no stats
    // entry in Flink
    List<HealthSample> s = new ArrayList<>(series(5, x -> x, 99));
    HealthSample last = s.get(4);
    for (int i = 6; i <= 8; i++) {
      s.add(
          with(
              last,
              new JsonObject()
                  .put("at", T0.plusSeconds(30L * i))
                  .put("recordsOut", 300L * i)
                  .put("checkpointsFailed", 2 * (i - 5))));
    }
    assertEquals(HealthStatus.CHECKPOINT_FAILING, decide(s).status());
    // checkpoints completing between the failures: not failing
    s.replaceAll(
        x ->
            x.at().isAfter(T0.plusSeconds(150))
                ? with(x, new JsonObject().put("checkpointId", x.at().getEpochSecond()))
                : x);
    assertEquals(HealthStatus.HEALTHY, decide(s).status());
  }

  @Test
  void failuresThatArriveWithANewerCompletedCheckpointAreNotFailing() {
    // within one period some checkpoints failed (no failure time) and a later one completed: the
    // sample brings both at once, so nothing failed since the last completed checkpoint
    List<HealthSample> s = new ArrayList<>(series(5, x -> x, 99));
    s.add(with(busy(6), new JsonObject().put("checkpointsFailed", 3)));
    HealthVerdict v = decide(s);
    assertEquals(HealthStatus.HEALTHY, v.status(), v.reason());
    // the next sample counts more failures and no newer checkpoint: now failing
    s.add(
        with(
            s.get(5),
            new JsonObject()
                .put("at", T0.plusSeconds(30L * 7))
                .put("recordsOut", 300L * 7)
                .put("checkpointsFailed", 5)));
    assertEquals(HealthStatus.CHECKPOINT_FAILING, decide(s).status());
  }

  /**
   * A job starting up: periods 1–4 its tasks are deploying and Flink refuses 3 checkpoints a period
   * (counted as failed, no failure time, none completed); its tasks all run from T0+130 s.
   */
  static List<HealthSample> startingUp(int n) {
    List<HealthSample> s = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      s.add(
          with(
              busy(i),
              new JsonObject()
                  .putNull("checkpointId")
                  .putNull("checkpointAt")
                  .put("checkpointsFailed", 3 * Math.min(i, 4))));
    }
    return s;
  }

  static final Instant TASKS_RUNNING = T0.plusSeconds(130);

  @Test
  void checkpointsRefusedWhileTheTasksStartAreNotFailures() {
    List<HealthSample> s = startingUp(6);
    HealthVerdict v = decide(s, TASKS_RUNNING);
    assertEquals(HealthStatus.HEALTHY, v.status(), v.reason());
    // the same counts on a job whose tasks ran all along: failing (what the moment prevents)
    assertEquals(HealthStatus.CHECKPOINT_FAILING, decide(s, T0).status());
    // during the start-up itself, before the tasks all run: not failing either
    assertEquals(HealthStatus.HEALTHY, decide(s.subList(0, 4), null).status());
    assertEquals(HealthStatus.HEALTHY, decide(s.subList(0, 4), TASKS_RUNNING).status());
  }

  @Test
  void failuresAfterTheTasksAllRunAreCheckpointFailing() {
    List<HealthSample> s = startingUp(6);
    // from period 7 the checkpoints fail for good (an unwritable directory: no failure time)
    for (int i = 7; i <= 9; i++) {
      s.add(
          with(
              s.get(5),
              new JsonObject()
                  .put("at", T0.plusSeconds(30L * i))
                  .put("recordsOut", 300L * i)
                  .put("checkpointsFailed", 12 + (i - 6))));
    }
    HealthVerdict v = decide(s, TASKS_RUNNING);
    assertEquals(HealthStatus.CHECKPOINT_FAILING, v.status(), v.reason());
    // counted from period 5, the first sample after the tasks all ran: not the 12 refusals before
    assertTrue(v.reason().startsWith("3 checkpoints failed"), v.reason());
    // one failure after the start-up is under the threshold of 2
    assertEquals(HealthStatus.HEALTHY, decide(s.subList(0, 7), TASKS_RUNNING).status());
  }

  @Test
  void aJobWhoseTasksNeverAllRunIsNotCheckpointFailing() {
    List<HealthSample> s = new ArrayList<>();
    for (int i = 1; i <= 12; i++) {
      s.add(
          with(
              busy(i),
              new JsonObject()
                  .putNull("checkpointId")
                  .putNull("checkpointAt")
                  .put("checkpointsFailed", 3 * i)));
    }
    HealthVerdict v = decide(s, null);
    assertEquals(HealthStatus.HEALTHY, v.status(), v.reason());
    assertEquals(HealthStatus.CHECKPOINT_FAILING, decide(s, T0).status());
  }

  @Test
  void failuresOutsideTheWindowDoNotCount() {
    List<HealthSample> s =
        new ArrayList<>(
            series(
                40,
                x ->
                    with(
                        x,
                        new JsonObject()
                            .put("checkpointsFailed", 5)
                            .put("checkpointFailedAt", T0.plusSeconds(31))
                            .put("checkpointAt", T0)),
                1));
    // 5 failures long ago, none in the last 10 minutes; still no completed checkpoint after them
    assertEquals(HealthStatus.HEALTHY, decide(s).status());
  }

  @Test
  void restartsOverTheThresholdInTheWindowAreFlapping() {
    List<HealthSample> s = series(10, x -> x, 99);
    List<HealthSample> flapping = new ArrayList<>();
    for (int i = 0; i < s.size(); i++) {
      flapping.add(with(s.get(i), new JsonObject().put("restarts", i / 2)));
    }
    HealthVerdict v = decide(flapping);
    assertEquals(HealthStatus.FLAPPING, v.status());
    assertTrue(v.reason().startsWith("4 restarts"), v.reason());
    // the same restarts spread over hours: not flapping
    List<HealthSample> slow = new ArrayList<>();
    for (int i = 0; i < s.size(); i++) {
      slow.add(
          with(
              s.get(i),
              new JsonObject().put("at", T0.plus(Duration.ofHours(i))).put("restarts", i / 2)));
    }
    assertEquals(HealthStatus.HEALTHY, decide(slow).status());
  }

  @Test
  void snapshotProgressWhereReported() {
    HealthVerdict v =
        decide(
            series(
                4,
                x ->
                    with(
                        x,
                        new JsonObject()
                            .put(
                                "snapshot",
                                new JsonObject()
                                    .put("finished", false)
                                    .put("splitsFinished", 3)
                                    .put("splitsTotal", 10))),
                1));
    assertEquals(HealthStatus.SNAPSHOTTING, v.status());
    assertTrue(v.reason().contains("3 of 10"), v.reason());
  }

  @Test
  void aSampleSurvivesItsStoredForm() {
    HealthSample s =
        with(
            busy(3),
            new JsonObject()
                .putNull("emitLagMs")
                .put(
                    "notReported",
                    new io.vertx.core.json.JsonArray().add("currentEmitEventTimeLag")));
    JsonObject stored = s.toCompactJson();
    assertTrue(
        !stored.containsKey("emitLagMs") && !stored.containsKey("snapshot"), stored.encode());
    assertEquals(s, HealthSample.fromJson(stored));
  }
}
