package io.cdcconsole.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.run.WatchRules.Act;
import io.cdcconsole.run.WatchRules.Decision;
import io.cdcconsole.run.WatchRules.Listed;
import io.cdcconsole.test.FakeClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The run watcher's decisions alone, with a clock the test moves: no Vert.x, no database, no Flink.
 */
class WatchRulesTest {
  private static final Duration GRACE = Duration.ofSeconds(30);
  private static final String JOB = "0123456789abcdef0123456789abcdef";

  private final FakeClock clock = new FakeClock();
  private final WatchRules rules = new WatchRules(GRACE);

  private static Run run(RunState state, String flinkState, boolean stale, Instant missingSince) {
    return run(state, flinkState, stale, missingSince, null);
  }

  private static Run run(
      RunState state, String flinkState, boolean stale, Instant missingSince, RunOperation op) {
    return run(state, flinkState, stale, missingSince, op, Claim.NONE);
  }

  private static Run run(
      RunState state,
      String flinkState,
      boolean stale,
      Instant missingSince,
      RunOperation op,
      Claim submission) {
    return new Run(
        7,
        3,
        "orders",
        1,
        1,
        JOB,
        state,
        flinkState,
        stale,
        null,
        false,
        null,
        null,
        "alice",
        Instant.EPOCH,
        null,
        null,
        null,
        missingSince,
        null,
        0,
        null,
        op,
        null,
        null,
        submission);
  }

  private static RunOperation operation(String kind, String status) {
    return operation(kind, status, Claim.NONE);
  }

  private static RunOperation operation(String kind, String status, Claim claim) {
    return new RunOperation(
        11,
        7,
        kind,
        "t-1",
        status,
        Instant.EPOCH,
        Optional.empty(),
        false,
        false,
        1,
        status.equals(RunOperation.COMPLETED) ? "file:/sp/1" : null,
        null,
        null,
        claim);
  }

  /** A claim held by another console, its lease running until {@code until}. */
  private static Claim claim(Instant until) {
    return new Claim("host/other-console", until, 3);
  }

  private Decision decide(Run run, WatchRules.Sight sight) {
    return rules.decide(run, sight, clock.instant());
  }

  @Test
  void aJobGoneFromTheOverviewIsLostOnlyAfterTheGrace() {
    Run running = run(RunState.RUNNING, "RUNNING", false, null);
    // the first look that misses the job only writes that it is missing (the database dates it)
    Optional<RunStore.Seen> first = WatchRules.seen(running, WatchRules.UNLISTED);
    assertEquals(Optional.of(new RunStore.Seen(7, null, true)), first);
    assertEquals(Act.KEEP, decide(running, WatchRules.UNLISTED).act(), "not yet dated: kept");

    Run missing = run(RunState.RUNNING, "RUNNING", false, clock.instant());
    assertEquals(
        Optional.empty(),
        WatchRules.seen(missing, WatchRules.UNLISTED),
        "still missing: the look changes nothing of the view");
    clock.advance(GRACE.minusSeconds(1));
    assertEquals(Act.KEEP, decide(missing, WatchRules.UNLISTED).act(), "within the grace: kept");

    clock.advance(Duration.ofSeconds(1));
    Decision lost = decide(missing, WatchRules.UNLISTED);
    assertEquals(Act.MOVE, lost.act());
    assertEquals(RunState.LOST, lost.to());
    assertEquals("watcher", lost.source());
    assertTrue(lost.detail().contains("has not listed job " + JOB), lost.detail());
    assertTrue(lost.detail().contains("since 2026-01-01T00:00:00Z"), lost.detail());
    assertTrue(lost.checkpointFirst(), "a RUNNING job's last checkpoint is read before it is LOST");
    assertFalse(lost.rootCause(), "there is no job to ask for a cause");
    assertFalse(lost.stale());

    Run restarting = run(RunState.RESTARTING, "RESTARTING", false, Instant.EPOCH);
    Decision lostRestarting = decide(restarting, WatchRules.UNLISTED);
    assertEquals(RunState.LOST, lostRestarting.to());
    assertFalse(lostRestarting.checkpointFirst(), "only a job leaving RUNNING has a fresh one");
  }

  @Test
  void anUnreadableClusterMakesRunsStaleAndNeverEndsThem() {
    clock.advance(Duration.ofDays(1));
    for (RunState state : RunState.values()) {
      if (state.terminal()) {
        continue;
      }
      // missing for far longer than the grace, an operation under way: still nothing but stale
      Run run =
          run(
              state,
              "RUNNING",
              false,
              Instant.EPOCH,
              operation(RunOperation.STOP, RunOperation.IN_PROGRESS));
      Decision d = decide(run, WatchRules.UNREADABLE);
      assertEquals(Act.KEEP, d.act(), state.name());
      assertTrue(d.stale(), state.name());
      assertFalse(d.reconcile(), "nothing is done on a cluster that cannot be read");
      assertEquals(
          Optional.empty(),
          WatchRules.seen(run, WatchRules.UNREADABLE),
          "the cluster's runs are marked stale together, their view otherwise kept");
    }
  }

  @Test
  void aJobBackInTheOverviewIsNotLostAndClearsStaleAndMissing() {
    clock.advance(Duration.ofDays(1));
    Run run = run(RunState.RUNNING, "RUNNING", true, Instant.EPOCH);
    assertEquals(
        Optional.of(new RunStore.Seen(7, "RUNNING", false)),
        WatchRules.seen(run, new Listed("RUNNING")),
        "listed again: no longer missing, no longer stale");
    Run back = run(RunState.RUNNING, "RUNNING", false, null);
    Decision d = decide(back, new Listed("RUNNING"));
    assertEquals(Act.KEEP, d.act());
    assertTrue(d.watchCheckpoints(), "a job that runs on has its checkpoints read");
    assertFalse(d.stale());
    assertEquals(
        Optional.empty(),
        WatchRules.seen(back, new Listed("RUNNING")),
        "nothing changed: the look writes only the cluster's last-seen time");
  }

  @Test
  void flinkStatesMoveRunsAndFailuresAskForTheirCause() {
    Run running = run(RunState.RUNNING, "RUNNING", false, null);
    Decision failed = decide(running, new Listed("FAILED"));
    assertEquals(Act.MOVE, failed.act());
    assertEquals(RunState.FAILED, failed.to());
    assertEquals("flink", failed.source());
    assertEquals("Flink reports FAILED", failed.detail());
    assertTrue(failed.rootCause());
    assertTrue(failed.checkpointFirst());
    assertFalse(failed.countRestart());

    Decision restarting = decide(running, new Listed("RESTARTING"));
    assertEquals(RunState.RESTARTING, restarting.to());
    assertTrue(restarting.rootCause());
    assertTrue(restarting.countRestart());

    Run initializing = run(RunState.INITIALIZING, "INITIALIZING", false, null);
    Decision up = decide(initializing, new Listed("RUNNING"));
    assertEquals(RunState.RUNNING, up.to());
    assertFalse(up.rootCause());
    assertFalse(up.checkpointFirst(), "a job reaching RUNNING has no checkpoint yet");
    assertFalse(up.watchCheckpoints(), "its cadence starts at the next look, when it is RUNNING");

    assertEquals(RunState.RUNNING, decide(initializing, new Listed("RECONCILING")).to());
    assertEquals(
        Act.KEEP,
        decide(running, new Listed("SOMETHING_NEW")).act(),
        "a Flink state the console does not know moves nothing");
    assertEquals(
        Optional.of(new RunStore.Seen(7, "SOMETHING_NEW", false)),
        WatchRules.seen(running, new Listed("SOMETHING_NEW")),
        "but it is shown");
  }

  @Test
  void terminalFlinkStatesEndTheRun() {
    Run running = run(RunState.RUNNING, "RUNNING", false, null);
    assertEquals(RunState.FINISHED, decide(running, new Listed("FINISHED")).to());
    assertEquals(RunState.CANCELED, decide(running, new Listed("CANCELED")).to());
    Run cancelling = run(RunState.CANCELLING, "CANCELLING", false, null);
    assertEquals(RunState.CANCELED, decide(cancelling, new Listed("CANCELED")).to());
    for (String flink : new String[] {"FINISHED", "CANCELED", "FAILED"}) {
      assertTrue(decide(running, new Listed(flink)).to().terminal(), flink);
    }
  }

  @Test
  void settleNamesWhatTheConsoleAskedFor() {
    Run stopping =
        run(
            RunState.STOPPING,
            "RUNNING",
            false,
            null,
            operation(RunOperation.STOP, RunOperation.IN_PROGRESS));
    assertEquals(
        RunState.STOPPING,
        WatchRules.settle(stopping, RunState.RUNNING),
        "still running while the stop is under way: stays STOPPING");
    assertEquals(Act.KEEP, decide(stopping, new Listed("RUNNING")).act());
    assertEquals(
        RunState.STOPPING,
        WatchRules.settle(stopping, RunState.FINISHED),
        "ended before the savepoint is confirmed: still STOPPING");

    Run stopped =
        run(
            RunState.STOPPING,
            "RUNNING",
            false,
            null,
            operation(RunOperation.STOP, RunOperation.COMPLETED));
    assertEquals(RunState.STOPPED, WatchRules.settle(stopped, RunState.FINISHED));
    assertEquals(RunState.STOPPED, WatchRules.settle(stopped, RunState.CANCELED));
    Decision d = decide(stopped, new Listed("FINISHED"));
    assertEquals(Act.MOVE, d.act());
    assertEquals(RunState.STOPPED, d.to());

    Run failedStop =
        run(
            RunState.RUNNING,
            "RUNNING",
            false,
            null,
            operation(RunOperation.STOP, RunOperation.FAILED));
    assertEquals(
        RunState.CANCELED,
        WatchRules.settle(failedStop, RunState.CANCELED),
        "a stop that failed does not name a later cancel");

    Run cancelling = run(RunState.CANCELLING, "RUNNING", false, null);
    assertEquals(RunState.CANCELLING, WatchRules.settle(cancelling, RunState.RUNNING));
    assertEquals(RunState.FAILED, WatchRules.settle(cancelling, RunState.FAILED));

    Run savepointing =
        run(
            RunState.RUNNING,
            "RUNNING",
            false,
            null,
            operation(RunOperation.SAVEPOINT, RunOperation.COMPLETED));
    assertEquals(
        RunState.FINISHED,
        WatchRules.settle(savepointing, RunState.FINISHED),
        "a savepoint is not a stop");
  }

  @Test
  void aSubmittingRunIsLeftToItsLiveHolderAndReconciledWhenTheLeaseRanOutOrNobodyClaimedIt() {
    clock.advance(Duration.ofDays(1));
    Instant now = clock.instant();
    Run claimed = run(RunState.SUBMITTING, null, false, null, null, claim(now.plusSeconds(10)));
    Run expired = run(RunState.SUBMITTING, null, false, null, null, claim(now.minusMillis(1)));
    Run unclaimed = run(RunState.SUBMITTING, null, false, null);

    for (Run submitting : new Run[] {claimed, expired, unclaimed}) {
      assertEquals(
          Optional.empty(),
          WatchRules.seen(submitting, WatchRules.UNLISTED),
          "a SUBMITTING run's job is not missing: it may not exist yet");
    }

    Decision held = decide(claimed, WatchRules.UNLISTED);
    assertEquals(Act.KEEP, held.act());
    assertFalse(held.reconcile(), "its holder submits it: nothing to take up");
    assertEquals(
        Act.KEEP,
        decide(claimed, new Listed("RUNNING")).act(),
        "the holder moves it itself once Flink took the job");

    for (Run nobodys : new Run[] {expired, unclaimed}) {
      Decision again = decide(nobodys, WatchRules.UNLISTED);
      assertEquals(Act.KEEP, again.act(), "the watcher itself submits nothing");
      assertTrue(again.reconcile(), "nobody submits it: the reconciler takes it up");
      assertNotEquals(RunState.LOST, again.to(), "never LOST, however long it waited");

      Decision track = decide(nobodys, new Listed("RUNNING"));
      assertEquals(Act.MOVE, track.act(), "Flink has the job: it is tracked");
      assertEquals(RunState.INITIALIZING, track.to());
      assertEquals("reconcile", track.source());
      assertFalse(track.reconcile());
    }

    // the same claim, seen a moment later: the lease ran out without a renewal
    clock.advance(Duration.ofSeconds(10));
    assertTrue(decide(claimed, WatchRules.UNLISTED).reconcile(), "its holder stopped renewing");
  }

  @Test
  void anOperationInProgressIsLeftToItsLiveFollowerAndReconciledOtherwise() {
    Instant now = clock.instant();
    Run followed =
        run(
            RunState.RUNNING,
            "RUNNING",
            false,
            null,
            operation(RunOperation.SAVEPOINT, RunOperation.IN_PROGRESS, claim(now.plusSeconds(5))));
    Run lapsed =
        run(
            RunState.RUNNING,
            "RUNNING",
            false,
            null,
            operation(
                RunOperation.SAVEPOINT, RunOperation.IN_PROGRESS, claim(now.minusSeconds(1))));
    Run unclaimed =
        run(
            RunState.RUNNING,
            "RUNNING",
            false,
            null,
            operation(RunOperation.SAVEPOINT, RunOperation.IN_PROGRESS));
    assertFalse(decide(followed, new Listed("RUNNING")).reconcile(), "followed: left to it");
    assertTrue(decide(lapsed, new Listed("RUNNING")).reconcile(), "its follower's lease ran out");
    assertTrue(decide(unclaimed, new Listed("RUNNING")).reconcile(), "nobody follows it");
    clock.advance(Duration.ofSeconds(5));
    assertTrue(decide(followed, new Listed("RUNNING")).reconcile(), "not renewed in time");

    Run done =
        run(
            RunState.RUNNING,
            "RUNNING",
            false,
            null,
            operation(RunOperation.SAVEPOINT, RunOperation.COMPLETED));
    assertFalse(decide(done, new Listed("RUNNING")).reconcile(), "an ended one needs nobody");
    assertFalse(
        decide(lapsed, WatchRules.UNREADABLE).reconcile(),
        "nothing is taken up from a look that could not read the cluster");
  }
}
