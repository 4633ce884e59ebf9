package io.cdcconsole.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.sandbox.junit.FlinkSandboxExtension;
import io.cdcconsole.test.Http;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Stop with savepoint, the ledger, and a resume from it (a sandbox of its own: a savepoint changes the values source). */
class RunSavepointTest extends SandboxRunTest {
  @RegisterExtension
  static final FlinkSandboxExtension FLINK = new FlinkSandboxExtension();

  @Override
  protected FlinkSandboxExtension flink() {
    return FLINK;
  }

  @Test
  void stopWithSavepointRecordsThePathAndAResumeRestoresFromIt() throws Exception {
    pipeline("stopped", keepsRunning("stopped"));
    String location = http.post("/api/v1/pipelines/stopped/runs", operator, new JsonObject()).header("Location");
    waitForState(location, "RUNNING");

    Http.Response savepoint = http.post("/api/v1/pipelines/stopped/savepoints", operator, null);
    assertEquals(202, savepoint.status(), savepoint.body());
    JsonObject ledger = null;
    for (int i = 0; i < 150; i++) {
      ledger = http.get("/api/v1/pipelines/stopped/savepoints", operator).json();
      if (!ledger.getJsonArray("items").isEmpty()) {
        break;
      }
      Thread.sleep(200);
    }
    assertEquals("manual", ledger.getJsonArray("items").getJsonObject(0).getString("source"), ledger.encodePrettily());

    Http.Response stop = http.post("/api/v1/pipelines/stopped/stop", operator, new JsonObject().put("savepoint", true));
    assertEquals(202, stop.status(), stop.body());
    JsonObject stopped = waitForState(location, "STOPPED");
    String path = stopped.getJsonObject("operation").getString("location");
    assertNotNull(path, stopped.encodePrettily());
    assertTrue(stopped.getJsonArray("savepoints").stream().anyMatch(s -> path.equals(((JsonObject) s).getString("path"))));
    ledger = http.get("/api/v1/pipelines/stopped/savepoints", operator).json();
    assertEquals(path, ledger.getString("restorePoint"));
    assertEquals(2, ledger.getJsonArray("items").size());

    // state is never dropped silently: a start without fromSavepoint is refused while there is a restore point
    Http.Response implicit = http.post("/api/v1/pipelines/stopped/runs", operator, new JsonObject());
    assertEquals(400, implicit.status(), implicit.body());
    assertTrue(implicit.body().contains("fromSavepoint"));

    Http.Response resumed = http.post("/api/v1/pipelines/stopped/runs", operator,
        new JsonObject().put("fromSavepoint", "latest"));
    assertEquals(202, resumed.status(), resumed.body());
    assertEquals(path, resumed.json().getString("fromSavepoint"));
    String jobId = resumed.json().getString("jobId");
    JsonObject restored = null;
    for (int i = 0; i < 300 && restored == null; i++) {
      Thread.sleep(200);
      JsonObject checkpoints = flinkOrNull("/jobs/" + jobId + "/checkpoints");
      if (checkpoints != null && checkpoints.getJsonObject("latest", new JsonObject()).getJsonObject("restored") != null) {
        restored = checkpoints.getJsonObject("latest").getJsonObject("restored");
      }
    }
    assertNotNull(restored, "Flink reports the restore");
    assertEquals(path.replaceFirst("^file:", ""), restored.getString("external_path").replaceFirst("^file:", ""));
  }
}
