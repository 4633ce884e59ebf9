package io.cdcconsole.run;

import static io.cdcconsole.test.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.sandbox.junit.FlinkSandboxExtension;
import io.cdcconsole.test.Http;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Stop with savepoint, the ledger, and a resume from it (a sandbox of its own: a savepoint changes
 * the values source).
 */
class RunSavepointTest extends SandboxRunTest {
  @RegisterExtension static final FlinkSandboxExtension FLINK = new FlinkSandboxExtension();

  @Override
  protected FlinkSandboxExtension flink() {
    return FLINK;
  }

  @Test
  void stopWithSavepointRecordsThePathAndAResumeRestoresFromIt() throws Exception {
    pipeline("stopped", keepsRunning("stopped"));
    String location =
        http.post("/api/v1/pipelines/stopped/runs", operator, new JsonObject()).header("Location");
    waitForAllTasksRunning(waitForState(location, "RUNNING").getString("jobId"));

    Http.Response savepoint = http.post("/api/v1/pipelines/stopped/savepoints", operator, null);
    assertEquals(202, savepoint.status(), savepoint.body());
    JsonObject ledger =
        eventually(
            () -> http.get("/api/v1/pipelines/stopped/savepoints", operator).json(),
            l -> !l.getJsonArray("items").isEmpty());
    assertEquals(
        "manual",
        ledger.getJsonArray("items").getJsonObject(0).getString("source"),
        ledger.encodePrettily());

    Http.Response stop =
        http.post(
            "/api/v1/pipelines/stopped/stop", operator, new JsonObject().put("savepoint", true));
    assertEquals(202, stop.status(), stop.body());
    JsonObject stopped = waitForState(location, "STOPPED");
    String path = stopped.getJsonObject("operation").getString("location");
    assertNotNull(path, stopped.encodePrettily());
    assertTrue(
        stopped.getJsonArray("savepoints").stream()
            .anyMatch(s -> path.equals(((JsonObject) s).getString("path"))));
    ledger = http.get("/api/v1/pipelines/stopped/savepoints", operator).json();
    assertEquals(path, ledger.getString("restorePoint"));
    assertEquals(2, ledger.getJsonArray("items").size());

    // state is never dropped silently: a start without fromSavepoint is refused while there is a
    // restore point
    Http.Response implicit =
        http.post("/api/v1/pipelines/stopped/runs", operator, new JsonObject());
    assertEquals(400, implicit.status(), implicit.body());
    assertTrue(implicit.body().contains("fromSavepoint"));

    Http.Response resumed =
        http.post(
            "/api/v1/pipelines/stopped/runs",
            operator,
            new JsonObject().put("fromSavepoint", "latest"));
    assertEquals(202, resumed.status(), resumed.body());
    assertEquals(path, resumed.json().getString("fromSavepoint"));
    String jobId = resumed.json().getString("jobId");
    // Flink reports the restore once the job runs
    JsonObject restored =
        eventually(
            () -> {
              JsonObject checkpoints = flinkOrNull("/jobs/" + jobId + "/checkpoints");
              return checkpoints == null
                  ? null
                  : checkpoints.getJsonObject("latest", new JsonObject()).getJsonObject("restored");
            },
            r -> r != null);
    assertEquals(
        path.replaceFirst("^file:", ""),
        restored.getString("external_path").replaceFirst("^file:", ""));
  }
}
