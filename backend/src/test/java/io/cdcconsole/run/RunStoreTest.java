package io.cdcconsole.run;

import static io.cdcconsole.test.TestConsole.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.cluster.FlinkGateway;
import io.cdcconsole.pipeline.PipelineSummary;
import io.cdcconsole.test.ConsoleTest;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the run store answers, read back from the real database as records: the latest checkpoint
 * through its jsonb column, a run's transitions and the newest run of each pipeline. The console's
 * watcher and reconciler are kept out of the way (their passes are minutes apart).
 */
@ConsoleTest.Env({"CDC_CONSOLE_RUN_POLL_INTERVAL=10m", "CDC_CONSOLE_RUN_LEASE=10m"})
class RunStoreTest extends ConsoleTest {
  private static long clusterId;
  private static RunStore runs;

  @BeforeAll
  static void setUp() throws Exception {
    clusterId = unreachableCluster("nowhere");
    runs = new RunStore(console.app().database().pool());
  }

  private static long pipeline(String name) {
    return valuesPipeline(name, clusterId);
  }

  private static Run adopted(long pipelineId) throws Exception {
    return await(
            runs.insertAdopted(
                new RunStore.NewRun(
                    pipelineId,
                    1,
                    clusterId,
                    FlinkGateway.newId(),
                    null,
                    false,
                    new JsonObject(),
                    null,
                    "t")))
        .run();
  }

  @Test
  void theLatestCheckpointIsReadBackAsItWasWritten() throws Exception {
    Run run = adopted(pipeline("checkpointed"));
    assertNull(run.lastCheckpoint(), "none before the first");
    Run.Checkpoint first =
        new Run.Checkpoint(7L, Instant.now().truncatedTo(ChronoUnit.MILLIS), "file:/cp/chk-7");
    assertTrue(await(runs.checkpoint(run.id(), first)));
    assertEquals(first, await(runs.find(run.id())).orElseThrow().lastCheckpoint());

    // Flink does not always know the time or an addressable path
    Run.Checkpoint second = new Run.Checkpoint(8L, null, null);
    assertTrue(await(runs.checkpoint(run.id(), second)));
    Run read = await(runs.find(run.id())).orElseThrow();
    assertEquals(second, read.lastCheckpoint());
    assertEquals(
        new JsonObject().put("id", 8L).putNull("at").putNull("path"),
        read.toJson().getJsonObject("lastCheckpoint"));
  }

  @Test
  void aCheckpointIsNeverWrittenOverANewerOne() throws Exception {
    Run run = adopted(pipeline("late-writer"));
    Run.Checkpoint newer = new Run.Checkpoint(12L, Instant.now(), "file:/cp/chk-12");
    assertTrue(await(runs.checkpoint(run.id(), newer)));
    // what a console read before #12 completed and writes only now (paused, lease lost)
    assertFalse(await(runs.checkpoint(run.id(), new Run.Checkpoint(11L, null, "file:/cp/chk-11"))));
    assertFalse(await(runs.checkpoint(run.id(), new Run.Checkpoint(12L, null, null))), "same id");
    assertFalse(await(runs.checkpoint(run.id(), new Run.Checkpoint(null, null, "file:/x"))));
    assertEquals(12L, await(runs.find(run.id())).orElseThrow().lastCheckpoint().id());
    assertTrue(await(runs.checkpoint(run.id(), new Run.Checkpoint(13L, null, null))));
    assertEquals(13L, await(runs.find(run.id())).orElseThrow().lastCheckpoint().id());
  }

  @Test
  void onlyAWriteThatChangedARunMakesTheWatcherReadTheRunsAgain() throws Exception {
    long before = runs.generation();
    // the reconciler's pass with no SUBMITTING run to take, a stopping console that held none
    assertEquals(List.of(), await(runs.claimSubmissions("nobody", Duration.ofMinutes(1), 10)));
    assertEquals(0, await(runs.releaseSubmissions("nobody")));
    assertEquals(before, runs.generation(), "nothing changed");

    Run run = adopted(pipeline("generation"));
    long inserted = runs.generation();
    assertTrue(inserted > before, "a new run");
    await(runs.error(run.id(), "it failed"));
    assertTrue(runs.generation() > inserted, "a run's error");
  }

  @Test
  void aRunsTransitionsAndEachPipelinesNewestRunAreRecords() throws Exception {
    long ended = pipeline("ended");
    Run first = adopted(ended);
    await(runs.transition(first.id(), RunState.INITIALIZING, RunState.CANCELED, "t", "gone", null));
    long active = pipeline("active");
    Run running = adopted(active);
    long never = pipeline("never-ran");

    List<RunTransition> history = await(runs.transitions(first.id()));
    assertEquals(
        List.of("INITIALIZING", "CANCELED"),
        history.stream().map(RunTransition::to).toList(),
        "oldest first");
    assertNull(history.get(0).from());
    assertEquals("gone", history.get(1).detail());
    assertTrue(history.stream().allMatch(t -> t.runId() == first.id()));

    Map<Long, PipelineSummary.CurrentRun> current =
        await(runs.current(List.of(ended, active, never)));
    assertEquals(2, current.size(), current.toString());
    assertFalse(current.containsKey(never));
    assertEquals(first.id(), current.get(ended).id());
    assertEquals("CANCELED", current.get(ended).state());
    assertFalse(current.get(ended).active());
    assertEquals(running.id(), current.get(active).id());
    assertTrue(current.get(active).active());
    assertEquals(running.jobId(), current.get(active).jobId());
  }
}
