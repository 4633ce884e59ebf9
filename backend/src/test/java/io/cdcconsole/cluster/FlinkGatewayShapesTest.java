package io.cdcconsole.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.cluster.FlinkGateway.JobExceptions;
import io.cdcconsole.cluster.FlinkGateway.JobSummary;
import io.cdcconsole.cluster.FlinkGateway.OperationStatus;
import io.vertx.core.json.JsonObject;
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
}
