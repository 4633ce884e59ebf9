package io.cdcconsole.run;

import static io.cdcconsole.test.TestConsole.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.cluster.FlinkGateway;
import io.cdcconsole.test.ConsoleTest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Claims on the real database, as several consoles take them: of two claimers racing for one
 * operation or submission exactly one wins, each claim bumps the fencing value, and a holder that
 * lost its claim (its lease ran out and another took it) has every write refused. The console's own
 * reconciler and watcher are kept out of the way (their passes are minutes apart); the claims here
 * carry leases of their own.
 */
@ConsoleTest.Env({"CDC_CONSOLE_RUN_POLL_INTERVAL=10m", "CDC_CONSOLE_RUN_LEASE=10m"})
class RunClaimsTest extends ConsoleTest {
  private static final Duration LEASE = Duration.ofSeconds(15);

  /** A lease that has run out by the time the next statement runs. */
  private static final Duration GONE = Duration.ofMillis(1);

  private static long clusterId;
  private static RunStore runs;
  private static RunOperationStore operations;

  @BeforeAll
  static void setUp() throws Exception {
    clusterId = unreachableCluster("nowhere");
    runs = new RunStore(console.app().database().pool());
    operations = new RunOperationStore(runs);
  }

  private static long pipeline(String name) {
    return valuesPipeline(name, clusterId);
  }

  private static RunStore.NewRun newRun(long pipelineId) {
    return new RunStore.NewRun(
        pipelineId, 1, clusterId, FlinkGateway.newId(), null, false, new JsonObject(), null, "t");
  }

  private static RunOperation savepoint() {
    return RunOperation.begin(
        RunOperation.SAVEPOINT,
        FlinkGateway.newId(),
        Instant.now(),
        Optional.empty(),
        false,
        false);
  }

  /** The claims among both answers that are of {@code opId}. */
  private static List<RunOperation> of(long opId, List<RunOperation> a, List<RunOperation> b) {
    List<RunOperation> all = new ArrayList<>(a);
    all.addAll(b);
    return all.stream().filter(op -> op.id() == opId).toList();
  }

  private static void leaseRunsOut() throws InterruptedException {
    Thread.sleep(200); // a lease of 1 ms, by the database's clock
  }

  @Test
  void twoClaimersRaceForAnOperationNobodyFollowsAndExactlyOneWinsEachTime() throws Exception {
    long pipelineId = pipeline("raced");
    long runId = await(runs.insertAdopted(newRun(pipelineId))).run().id();
    RunOperation begun = await(operations.begin(runId, savepoint(), "A", LEASE)).orElseThrow();
    assertEquals("A", begun.claim().holder());
    assertEquals(1, begun.claim().fencing());
    assertEquals(
        Optional.empty(),
        await(operations.begin(runId, savepoint(), "B", LEASE)),
        "one operation in progress per run");
    assertEquals(
        List.of(),
        of(begun.id(), await(operations.claimOrphans("B", LEASE, 50)), List.of()),
        "A's lease runs: nobody else takes it");

    String holder = "A";
    long fencing = 1;
    for (int round = 0; round < 20; round++) {
      assertEquals(1, await(operations.release(holder)));
      Future<List<RunOperation>> b = operations.claimOrphans("B", LEASE, 50);
      Future<List<RunOperation>> c = operations.claimOrphans("C", LEASE, 50);
      await(Future.join(b, c));
      List<RunOperation> won = of(begun.id(), b.result(), c.result());
      assertEquals(1, won.size(), "round " + round + ": exactly one claimer wins");
      assertEquals(fencing + 1, won.get(0).claim().fencing(), "each claim bumps the fencing");
      holder = won.get(0).claim().holder();
      fencing = won.get(0).claim().fencing();
    }
    Run stored = await(runs.find(runId)).orElseThrow();
    assertEquals(holder, stored.operation().claim().holder(), "the run reads its claim with it");
  }

  @Test
  void aHolderWhoseLeaseRanOutCannotWriteOverItsSuccessorAndTheSavepointIsRecordedOnce()
      throws Exception {
    long pipelineId = pipeline("fenced");
    long runId = await(runs.insertAdopted(newRun(pipelineId))).run().id();
    RunOperation stale = await(operations.begin(runId, savepoint(), "A", GONE)).orElseThrow();
    leaseRunsOut();
    List<RunOperation> taken =
        of(stale.id(), await(operations.claimOrphans("B", LEASE, 50)), List.of());
    assertEquals(1, taken.size(), "a lease that ran out is anybody's");
    RunOperation successor = taken.get(0);
    assertEquals(2, successor.claim().fencing());

    Claim.Fence old = stale.claim().fence();
    assertEquals(Optional.empty(), await(operations.renew(stale.id(), old, LEASE)));
    assertEquals(
        Optional.empty(), await(operations.retrigger(stale, old, FlinkGateway.newId(), "again")));
    assertFalse(await(operations.completed(stale, old, pipelineId, runId, "file:/sp/stale")));
    assertFalse(await(operations.failed(stale, old, pipelineId, runId, "stale says failed")));
    assertTrue(await(operations.renew(stale.id(), successor.claim().fence(), LEASE)).isPresent());

    assertTrue(
        await(
            operations.completed(
                successor, successor.claim().fence(), pipelineId, runId, "file:/sp/1")));
    assertFalse(
        await(
            operations.completed(
                successor, successor.claim().fence(), pipelineId, runId, "file:/sp/1")),
        "completed once");
    List<SavepointEntry> ledger = await(runs.savepoints(pipelineId, runId));
    assertEquals(1, ledger.size(), ledger.toString());
    assertEquals("file:/sp/1", ledger.get(0).path());
    assertEquals("COMPLETED", ledger.get(0).state());
    RunOperation done = await(runs.find(runId)).orElseThrow().operation();
    assertEquals(RunOperation.COMPLETED, done.status());
    assertEquals("file:/sp/1", done.location());
    assertNull(done.claim().holder(), "an ended operation is nobody's");
    assertEquals(
        List.of(),
        of(stale.id(), await(operations.claimOrphans("C", LEASE, 50)), List.of()),
        "nor taken up again");
  }

  @Test
  void aSubmissionIsClaimedByOneConsoleAndItsFormerHolderCannotEndIt() throws Exception {
    long pipelineId = pipeline("submitted");
    Run a = await(runs.insertSubmitting(newRun(pipelineId), "A", GONE)).run();
    assertEquals("A", a.submission().holder());
    assertEquals(1, a.submission().fencing());
    leaseRunsOut();

    Future<List<Long>> b = runs.claimSubmissions("B", LEASE, 50);
    Future<List<Long>> c = runs.claimSubmissions("C", LEASE, 50);
    await(Future.join(b, c));
    long wins =
        b.result().stream().filter(id -> id == a.id()).count()
            + c.result().stream().filter(id -> id == a.id()).count();
    assertEquals(1, wins, "exactly one console submits it");
    Run claimed = await(runs.find(a.id())).orElseThrow();
    assertEquals(2, claimed.submission().fencing());
    assertTrue(claimed.submission().live(Instant.now()));

    Claim.Fence old = a.submission().fence();
    assertFalse(await(runs.renewSubmission(a.id(), old, LEASE)));
    assertFalse(await(runs.releaseSubmission(a.id(), old, "A gives up")));
    assertEquals(
        Optional.empty(),
        await(
            runs.transition(
                a.id(),
                RunState.SUBMITTING,
                RunState.FAILED_TO_SUBMIT,
                "console",
                "A failed it",
                null,
                old,
                null,
                "A failed it")),
        "the former holder's end is refused");
    RunStore.Moved moved =
        await(
                runs.transition(
                    a.id(),
                    RunState.SUBMITTING,
                    RunState.INITIALIZING,
                    "console",
                    "accepted by Flink",
                    null,
                    claimed.submission().fence(),
                    null,
                    null))
            .orElseThrow();
    assertEquals(RunState.INITIALIZING, moved.run().state());
    assertNull(moved.run().submission().holder(), "a run that left SUBMITTING is nobody's");
    assertNull(moved.run().lastError(), "nothing of the former holder was written");
  }
}
