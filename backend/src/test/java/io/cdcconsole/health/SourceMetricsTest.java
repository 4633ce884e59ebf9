package io.cdcconsole.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.cdcconsole.cluster.FlinkGateway.AggregatedMetric;
import io.cdcconsole.cluster.FlinkGateway.Checkpoint;
import io.cdcconsole.cluster.FlinkGateway.Checkpoints;
import io.cdcconsole.cluster.FlinkGateway.PlanVertex;
import io.cdcconsole.health.SourceMetrics.Wanted;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The gateway's records about a job read into the source plan and a sample, with the names Flink
 * CDC 3.2.0's MySQL source reports (docs/health.md).
 */
class SourceMetricsTest {
  static final String SOURCE = "Source__Flink_CDC_Event_Source__mysql";
  static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void theSourceIsTheFirstVertexWithoutInputs() {
    List<PlanVertex> plan =
        List.of(
            new PlanVertex("sink", List.of("schema")),
            new PlanVertex("source", List.of()),
            new PlanVertex("schema", List.of("source")));
    assertEquals(Optional.of("source"), SourceMetrics.sourceVertex(plan));
    assertEquals(Optional.empty(), SourceMetrics.sourceVertex(List.of()));
    assertEquals(
        Optional.empty(), SourceMetrics.sourceVertex(List.of(new PlanVertex("a", List.of("a")))));
  }

  @Test
  void theWantedMetricsAreFoundUnderTheSourceOperatorOrElseTheTasksOwnCounter() {
    List<String> offered =
        List.of(
            "numRecordsOut",
            "numRecordsInPerSecond",
            SOURCE + ".currentFetchEventTimeLag",
            SOURCE + ".currentEmitEventTimeLag",
            SOURCE + ".sourceIdleTime",
            "SchemaOperator.currentEmitEventTimeLag",
            "SchemaOperator.numSchemaChangeEvents",
            SOURCE + ".snapshotSplitsFinished");
    SourceMetrics.Plan plan = SourceMetrics.plan("v1", offered);
    assertEquals("v1", plan.vertexId());
    assertEquals(SOURCE + ".currentEmitEventTimeLag", plan.names().get(Wanted.EMIT_LAG));
    assertEquals("numRecordsOut", plan.names().get(Wanted.RECORDS_OUT));
    assertEquals("numRecordsInPerSecond", plan.names().get(Wanted.RECORDS_IN_RATE));
    assertEquals("SchemaOperator.numSchemaChangeEvents", plan.names().get(Wanted.SCHEMA_CHANGES));
    assertNull(plan.names().get(Wanted.RECORDS_OUT_RATE));
    assertEquals(List.of(SOURCE + ".snapshotSplitsFinished"), plan.snapshotNames());
    assertEquals(
        List.of(
            SOURCE + ".currentFetchEventTimeLag",
            SOURCE + ".currentEmitEventTimeLag",
            SOURCE + ".sourceIdleTime",
            "numRecordsInPerSecond",
            "numRecordsOut",
            "SchemaOperator.numSchemaChangeEvents",
            SOURCE + ".snapshotSplitsFinished"),
        plan.toRead());
  }

  @Test
  void aSampleTakesTheSlowestLagTheLeastIdleSubtaskTheSummedRecordsAndTheCheckpoints() {
    SourceMetrics.Plan plan =
        SourceMetrics.plan(
            "v1",
            List.of(
                SOURCE + ".currentFetchEventTimeLag",
                SOURCE + ".currentEmitEventTimeLag",
                SOURCE + ".sourceIdleTime",
                "numRecordsOut"));
    Map<String, AggregatedMetric> metrics =
        Map.of(
            SOURCE + ".currentFetchEventTimeLag",
            new AggregatedMetric(100.0, 900.4, 1000.0),
            // -1 is Flink CDC's "not known yet"
            SOURCE + ".currentEmitEventTimeLag",
            new AggregatedMetric(-1.0, -1.0, -2.0),
            SOURCE + ".sourceIdleTime",
            new AggregatedMetric(250.0, 9000.0, 9250.0),
            "numRecordsOut",
            new AggregatedMetric(10.0, 30.0, 40.0));
    Checkpoints checkpoints =
        new Checkpoints(
            9L,
            1L,
            2L,
            Optional.of(new Checkpoint(6L, 1_767_225_599_000L, "file:/cp/chk-6", 420L, 2048L)),
            Optional.of(1_767_225_598_000L));
    HealthSample sample = SourceMetrics.sample(AT, plan, metrics, checkpoints, 3);
    assertEquals(AT, sample.at());
    assertEquals(900L, sample.fetchLagMs());
    assertNull(sample.emitLagMs());
    assertEquals(250L, sample.sourceIdleMs());
    assertEquals(40L, sample.recordsOut());
    assertNull(sample.recordsInPerSecond());
    assertNull(sample.snapshot());
    assertEquals(6L, sample.checkpointId());
    assertEquals(Instant.ofEpochMilli(1_767_225_599_000L), sample.checkpointAt());
    assertEquals(420L, sample.checkpointDurationMs());
    assertEquals(2048L, sample.checkpointSizeBytes());
    assertEquals(9L, sample.checkpointsTriggered());
    assertEquals(1L, sample.checkpointsInProgress());
    assertEquals(2L, sample.checkpointsFailed());
    assertEquals(Instant.ofEpochMilli(1_767_225_598_000L), sample.checkpointFailedAt());
    assertEquals(3, sample.restarts());
    assertEquals(
        List.of(
            "numRecordsInPerSecond",
            "numRecordsOutPerSecond",
            "numSchemaChangeEvents",
            SourceMetrics.SNAPSHOT),
        sample.notReported());
  }

  @Test
  void aJobWithoutCheckpointsNorAnswersForItsNamesHasNullsNotZeros() {
    SourceMetrics.Plan plan =
        SourceMetrics.plan("v1", List.of("numRecordsOut", SOURCE + ".snapshotSplitsTotal"));
    HealthSample sample =
        SourceMetrics.sample(
            AT,
            plan,
            Map.of(SOURCE + ".snapshotSplitsTotal", new AggregatedMetric(4.0, 4.0, 8.0)),
            new Checkpoints(0L, 0L, 0L, Optional.empty(), Optional.empty()),
            0);
    assertNull(sample.recordsOut());
    assertEquals(new JsonObject().put("snapshotSplitsTotal", 8.0), sample.snapshot());
    assertNull(sample.checkpointId());
    assertNull(sample.checkpointAt());
    assertNull(sample.checkpointSizeBytes());
    assertNull(sample.checkpointFailedAt());
    assertEquals(0L, sample.checkpointsTriggered());
  }
}
