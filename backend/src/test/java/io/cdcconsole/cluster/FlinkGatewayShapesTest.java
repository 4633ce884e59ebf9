package io.cdcconsole.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.cluster.FlinkGateway.AggregatedMetric;
import io.cdcconsole.cluster.FlinkGateway.Checkpoint;
import io.cdcconsole.cluster.FlinkGateway.Checkpoints;
import io.cdcconsole.cluster.FlinkGateway.JobExceptions;
import io.cdcconsole.cluster.FlinkGateway.JobSummary;
import io.cdcconsole.cluster.FlinkGateway.OperationStatus;
import io.cdcconsole.cluster.FlinkGateway.PlanVertex;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Flink's answers read into the gateway's records, in the shapes of the Flink versions the console
 * supports.
 */
class FlinkGatewayShapesTest {

  @Test
  void aJobsRootCauseIsReadFromFlink1sRootExceptionAndFromFlink2sHistoryOnly() {
    JsonObject flink1 =
        new JsonObject(
            """
        {"root-exception": "java.io.IOException: boom\\n\\tat A.b(A.java:1)", "timestamp": 1,
         "exceptionHistory": {"entries": [{"exceptionName": "x", "stacktrace": "older"}]}}""");
    assertEquals(
        Optional.of("java.io.IOException: boom\n\tat A.b(A.java:1)"),
        JobExceptions.of(flink1).rootCause());
    JsonObject flink2 =
        new JsonObject(
            """
        {"exceptionHistory": {"entries": [{"exceptionName": "java.lang.IllegalStateException",
          "stacktrace": "java.lang.IllegalStateException: no binlog\\n\\tat C.d(C.java:2)", "timestamp": 2}],
          "truncated": false}}""");
    assertEquals(
        Optional.of("java.lang.IllegalStateException: no binlog\n\tat C.d(C.java:2)"),
        JobExceptions.of(flink2).rootCause());
    JsonObject nameOnly =
        new JsonObject("{\"exceptionHistory\": {\"entries\": [{\"exceptionName\": \"E\"}]}}");
    assertEquals(Optional.of("E"), JobExceptions.of(nameOnly).rootCause());
    assertEquals(
        Optional.empty(),
        JobExceptions.of(new JsonObject("{\"exceptionHistory\": {\"entries\": []}}")).rootCause());
  }

  @Test
  void aJobsTasksAllRunOnlyWhenEveryTaskIsRunningOrFinished() {
    String row =
        """
        {"jid": "a1", "name": "p", "state": "RUNNING", "start-time": 7, "end-time": -1,
         "tasks": {"total": 3, "created": 0, "scheduled": 0, "deploying": %d, "initializing": %d,
                   "running": %d, "finished": %d, "canceling": 0, "canceled": 0, "failed": 0,
                   "reconciling": 0}}""";
    JobSummary starting = JobSummary.of(new JsonObject(row.formatted(1, 1, 1, 0)));
    assertEquals(new JobSummary("a1", "p", "RUNNING", 7, false), starting);
    assertFalse(JobSummary.of(new JsonObject(row.formatted(0, 1, 2, 0))).allTasksRunning());
    assertTrue(JobSummary.of(new JsonObject(row.formatted(0, 0, 3, 0))).allTasksRunning());
    // a bounded source that finished while the rest runs: Flink checkpoints it still
    assertTrue(JobSummary.of(new JsonObject(row.formatted(0, 0, 2, 1))).allTasksRunning());
    assertFalse(JobSummary.of(new JsonObject(row.formatted(0, 0, 0, 3))).allTasksRunning());
    // a row without task counts (not Flink's shape) says nothing is running
    assertFalse(
        JobSummary.of(new JsonObject("{\"jid\": \"a1\", \"state\": \"RUNNING\"}"))
            .allTasksRunning());
  }

  @Test
  void anOperationStatusIsInProgressCompletedWithALocationOrFailedWithFlinksCause() {
    OperationStatus pending =
        OperationStatus.of(new JsonObject("{\"status\": {\"id\": \"IN_PROGRESS\"}}"));
    assertFalse(pending.completed());
    OperationStatus written =
        OperationStatus.of(
            new JsonObject(
                "{\"status\": {\"id\": \"COMPLETED\"}, \"operation\": {\"location\": \"file:/sp/savepoint-1\"}}"));
    assertTrue(written.completed());
    assertEquals(Optional.of("file:/sp/savepoint-1"), written.location());
    assertEquals(Optional.empty(), written.failure());
    OperationStatus failed =
        OperationStatus.of(
            new JsonObject(
                """
        {"status": {"id": "COMPLETED"}, "operation": {"failure-cause": {"class": "java.util.concurrent.CompletionException",
         "stack-trace": "CompletionException: Not all required tasks are currently running"}}}"""));
    assertEquals(Optional.empty(), failed.location());
    assertEquals(
        Optional.of("CompletionException: Not all required tasks are currently running"),
        failed.failure());
    OperationStatus classOnly =
        OperationStatus.of(
            new JsonObject(
                "{\"status\": {\"id\": \"COMPLETED\"}, \"operation\": {\"failure-cause\": {\"class\": \"E\"}}}"));
    assertEquals(Optional.of("E"), classOnly.failure());
  }

  @Test
  void checkpointStatisticsGiveTheCountsTheLatestCompletedAndWhenTheLatestFailed() {
    // Flink 1.20 and 2.x (CheckpointingStatistics): the same fields, a latest entry null when none
    JsonObject answer =
        new JsonObject(
            """
        {"counts": {"restored": 0, "total": 7, "in_progress": 1, "completed": 4, "failed": 2},
         "summary": {},
         "latest": {
           "completed": {"className": "completed", "id": 5, "status": "COMPLETED",
             "is_savepoint": false, "savepointFormat": null, "trigger_timestamp": 1700000000000,
             "latest_ack_timestamp": 1700000000420, "checkpointed_size": 1024, "state_size": 8192,
             "end_to_end_duration": 420, "alignment_buffered": 0, "processed_data": 0,
             "persisted_data": 0, "num_subtasks": 2, "num_acknowledged_subtasks": 2,
             "checkpoint_type": "CHECKPOINT", "tasks": {},
             "external_path": "<checkpoint-not-externally-addressable>", "discarded": false},
           "savepoint": null,
           "failed": {"className": "failed", "id": 6, "status": "FAILED",
             "trigger_timestamp": 1700000001000, "failure_timestamp": 1700000001500,
             "failure_message": "Checkpoint expired before completing."},
           "restored": null},
         "history": []}""");
    Checkpoints stats = Checkpoints.of(answer);
    assertEquals(
        new Checkpoints(
            7L,
            1L,
            2L,
            Optional.of(
                new Checkpoint(
                    5L, 1700000000420L, "<checkpoint-not-externally-addressable>", 420L, 1024L)),
            Optional.of(1700000001500L)),
        stats);
    // a job that has not checkpointed yet
    Checkpoints none =
        Checkpoints.of(
            new JsonObject(
                """
        {"counts": {"restored": 0, "total": 0, "in_progress": 0, "completed": 0, "failed": 0},
         "latest": {"completed": null, "savepoint": null, "failed": null, "restored": null},
         "history": []}"""));
    assertEquals(new Checkpoints(0L, 0L, 0L, Optional.empty(), Optional.empty()), none);
    // a checkpoint without an incremental size (older Flink) is as large as its state
    JsonObject full =
        new JsonObject("{\"latest\": {\"completed\": {\"id\": 1, \"state_size\": 77}}}");
    assertEquals(Optional.of(77L), Checkpoints.of(full).latest().map(Checkpoint::sizeBytes));
    assertEquals(null, Checkpoints.of(full).triggered());
  }

  @Test
  void theJobPlansVerticesComeWithTheirInputsInFlink1sRawPlanAndFlink2sTypedOne() {
    // Flink 1.20: the plan is JsonPlanGenerator's text, a source has no "inputs"
    JsonObject flink1 =
        new JsonObject(
            """
        {"plan": {"jid": "j1", "name": "mysql to values", "type": "STREAMING", "nodes": [
          {"id": "cbc357ccb763df2852fee8c4fc7d55f2", "parallelism": 1,
           "operator": "", "operator_strategy": "", "description": "Source: Flink CDC Event Source: mysql",
           "optimizer_properties": {}},
          {"id": "90bea66de1c231edf33913ecd54406c1", "parallelism": 1, "operator": "",
           "operator_strategy": "", "description": "SchemaOperator -&gt; PrePartition",
           "inputs": [{"num": 0, "id": "cbc357ccb763df2852fee8c4fc7d55f2",
                       "ship_strategy": "FORWARD", "exchange": "pipelined_bounded"}],
           "optimizer_properties": {}}]}}""");
    assertEquals(
        List.of(
            new PlanVertex("cbc357ccb763df2852fee8c4fc7d55f2", List.of()),
            new PlanVertex(
                "90bea66de1c231edf33913ecd54406c1", List.of("cbc357ccb763df2852fee8c4fc7d55f2"))),
        PlanVertex.of(flink1));
    // Flink 2.x: JobPlanInfo.Plan typed, "inputs" left out when empty (or sent empty)
    JsonObject flink2 =
        new JsonObject(
            """
        {"plan": {"jid": "j2", "name": "p", "type": "STREAMING", "nodes": [
          {"id": "b", "parallelism": 2, "operator": "", "operator_strategy": "",
           "description": "Sink: Values", "optimizer_properties": {},
           "inputs": [{"num": 0, "id": "a", "ship_strategy": "HASH", "local_strategy": null,
                       "caching": null, "exchange": "pipelined_bounded"}]},
          {"id": "a", "parallelism": 2, "operator": "", "operator_strategy": "",
           "description": "Source", "optimizer_properties": {}, "inputs": []}]}}""");
    assertEquals(
        List.of(new PlanVertex("b", List.of("a")), new PlanVertex("a", List.of())),
        PlanVertex.of(flink2));
    assertEquals(List.of(), PlanVertex.of(new JsonObject()));
  }

  @Test
  void metricNamesAndAggregatedValuesAreReadByName() {
    JsonArray names =
        new JsonArray(
            """
        [{"id": "numRecordsOut"},
         {"id": "Source__Flink_CDC_Event_Source__mysql.currentFetchEventTimeLag"},
         {"value": "no id"}, "not an object"]""");
    assertEquals(
        List.of("numRecordsOut", "Source__Flink_CDC_Event_Source__mysql.currentFetchEventTimeLag"),
        FlinkGateway.metricNames(names));
    // Flink sends numbers (AggregatedMetric's doubles), only the aggregates asked for
    JsonArray aggregated =
        new JsonArray(
            """
        [{"id": "numRecordsOut", "min": 3.0, "max": 5.0, "sum": 8.0},
         {"id": "Source__Flink_CDC_Event_Source__mysql.currentFetchEventTimeLag",
          "min": -1.0, "max": 1500.0},
         {"id": "sourceIdleTime", "min": "12", "max": "n/a", "sum": null}]""");
    Map<String, AggregatedMetric> byName = AggregatedMetric.byName(aggregated);
    assertEquals(new AggregatedMetric(3.0, 5.0, 8.0), byName.get("numRecordsOut"));
    assertEquals(
        new AggregatedMetric(-1.0, 1500.0, null),
        byName.get("Source__Flink_CDC_Event_Source__mysql.currentFetchEventTimeLag"));
    assertEquals(new AggregatedMetric(12.0, null, null), byName.get("sourceIdleTime"));
    assertEquals(
        List.of(
            "numRecordsOut",
            "Source__Flink_CDC_Event_Source__mysql.currentFetchEventTimeLag",
            "sourceIdleTime"),
        List.copyOf(byName.keySet()));
  }
}
