package io.cdcconsole.run;

import static io.cdcconsole.test.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.sandbox.junit.FlinkSandboxExtension;
import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.CuttableProxy;
import io.cdcconsole.test.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Periodic savepoints, the ledger's retention with Flink's own disposal, and the time-based give-up
 * of an operation whose status cannot be read, on a real sandbox (a sandbox of its own: savepoints
 * change the values source, so the give-up, which completes none, runs first).
 */
@ConsoleTest.Env({
  "CDC_CONSOLE_RUN_POLL_INTERVAL=1s",
  "CDC_CONSOLE_RUN_FAST_POLL_INTERVAL=300ms",
  "CDC_CONSOLE_RUN_LOST_GRACE=5s",
  "CDC_CONSOLE_CLUSTER_HEALTH_INTERVAL=2s",
  "CDC_CONSOLE_RUN_OPERATION_GIVE_UP=5s",
  "CDC_CONSOLE_RUN_SAVEPOINT_RETENTION_KEEP=2",
  "CDC_CONSOLE_RUN_SAVEPOINT_RETENTION_MAX_AGE=0s"
})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RunSavepointScheduleTest extends SandboxRunTest {
  @RegisterExtension static final FlinkSandboxExtension FLINK = new FlinkSandboxExtension();

  @Override
  protected FlinkSandboxExtension flink() {
    return FLINK;
  }

  @Test
  @Order(1)
  void aSavepointWhoseStatusCannotBeReadIsGivenUpAndWrittenWithItsReason() throws Exception {
    try (CuttableProxy proxy = new CuttableProxy(URI.create(FLINK.restUrl()).getPort())) {
      Http.Response cluster =
          http.post(
              "/api/v1/clusters",
              admin,
              new JsonObject()
                  .put("name", "behind-proxy")
                  .put("restUrl", "http://127.0.0.1:" + proxy.port())
                  .put("cdc", new JsonObject().put("mode", "provided").put("version", "3.2.0")));
      assertEquals(201, cluster.status(), cluster.body());
      Http.Response created =
          http.post(
              "/api/v1/pipelines",
              operator,
              new JsonObject()
                  .put("name", "cut-off")
                  .put("clusterId", cluster.json().getLong("id"))
                  .put("yaml", keepsRunning("cut_off")));
      assertEquals(201, created.status(), created.body());
      String location =
          http.post("/api/v1/pipelines/cut-off/runs", operator, new JsonObject())
              .header("Location");
      waitForAllTasksRunning(waitForState(location, "RUNNING").getString("jobId"));

      // the line to Flink is cut: neither the trigger nor any status poll gets through
      proxy.cut();
      Http.Response savepoint = http.post("/api/v1/pipelines/cut-off/savepoints", operator, null);
      assertEquals(503, savepoint.status(), savepoint.body());
      // never two in flight: a second savepoint while the first is followed is refused, the first's
      // record stays
      String first =
          http.get(location, operator).json().getJsonObject("operation").getString("triggerId");
      Http.Response second = http.post("/api/v1/pipelines/cut-off/savepoints", operator, null);
      if (second.status() == 409) {
        assertEquals(
            first,
            http.get(location, operator).json().getJsonObject("operation").getString("triggerId"));
      } else {
        // only when the first was given up already (a slow machine): then the second is a new
        // operation
        assertEquals(503, second.status(), second.body());
      }
      JsonObject run =
          eventually(
              () -> http.get(location, operator).json(),
              r ->
                  r.getJsonObject("operation") != null
                      && "FAILED".equals(r.getJsonObject("operation").getString("status")));
      String error = run.getJsonObject("operation").getString("error");
      assertTrue(
          error.contains("given up") && error.contains("could not be read"), run.encodePrettily());
      assertEquals(
          "RUNNING", run.getString("state"), "a savepoint that failed leaves the job as it was");

      JsonObject ledger = http.get("/api/v1/pipelines/cut-off/savepoints", operator).json();
      JsonObject failed = ledger.getJsonArray("items").getJsonObject(0);
      assertEquals("FAILED", failed.getString("state"), ledger.encodePrettily());
      assertEquals("manual", failed.getString("source"));
      assertNull(failed.getString("path"));
      assertTrue(failed.getString("reason").contains("given up"), failed.encode());
      assertNull(ledger.getString("restorePoint"), "a failed savepoint is never a restore point");

      proxy.restore();
      waitForState(location, "RUNNING");
      eventually(() -> http.get(location, operator).json(), r -> !r.getBoolean("stale"));
      assertEquals(202, http.post("/api/v1/pipelines/cut-off/cancel", operator, null).status());
      waitForState(location, "CANCELED");
    }
  }

  @Test
  @Order(2)
  void periodicSavepointsFollowTheClusterDefaultUntilThePipelineSaysOffAndTheLedgerIsKeptShort()
      throws Exception {
    pipeline("periodic", keepsRunning("periodic"));
    String location =
        http.post("/api/v1/pipelines/periodic/runs", operator, new JsonObject()).header("Location");
    waitForAllTasksRunning(waitForState(location, "RUNNING").getString("jobId"));

    Http.Response setDefault =
        http.put(
            "/api/v1/clusters/" + clusterId + "/savepoint-schedule",
            admin,
            new JsonObject().put("interval", "2s"));
    assertEquals(200, setDefault.status(), setDefault.body());
    JsonObject schedule =
        http.get("/api/v1/pipelines/periodic/savepoint-schedule", operator).json();
    assertNull(schedule.getString("interval"));
    assertEquals("2s", schedule.getString("clusterDefault"));
    assertEquals("2s", schedule.getString("effective"));

    // periodic savepoints are taken, and the retention policy (keep 2, no minimum age) has Flink
    // dispose of older ones
    JsonArray disposals =
        eventually(
            () -> http.get("/api/v1/audit?action=savepoint.dispose&limit=100", admin).items(),
            rows ->
                rows.stream()
                        .map(JsonObject.class::cast)
                        .filter(
                            r -> "flink".equals(r.getJsonObject("detail").getString("disposal")))
                        .count()
                    >= 2);
    for (Object o : disposals) {
      JsonObject detail = ((JsonObject) o).getJsonObject("detail");
      if ("flink".equals(detail.getString("disposal"))) {
        assertFalse(
            Files.exists(onDisk(detail.getString("path"))), "Flink disposed of " + detail.encode());
      }
    }
    JsonObject ledger = http.get("/api/v1/pipelines/periodic/savepoints", operator).json();
    List<JsonObject> savepoints =
        ledger.getJsonArray("items").stream()
            .map(JsonObject.class::cast)
            .filter(s -> "savepoint".equals(s.getString("kind")))
            .toList();
    assertTrue(
        savepoints.stream().allMatch(s -> "periodic".equals(s.getString("source"))),
        ledger.encodePrettily());
    assertTrue(savepoints.size() <= 2 + SavepointRetention.PER_SWEEP, ledger.encodePrettily());
    String restorePoint = ledger.getString("restorePoint");
    assertTrue(
        Files.exists(onDisk(restorePoint)),
        "the restore point is never disposed of: " + restorePoint);
    Set<String> disposed =
        disposals.stream()
            .map(o -> ((JsonObject) o).getJsonObject("detail").getString("path"))
            .collect(Collectors.toSet());
    assertFalse(disposed.contains(restorePoint));

    // an explicit "off" on the pipeline overrides the cluster's default: no new savepoint is
    // triggered
    Http.Response off =
        http.put(
            "/api/v1/pipelines/periodic/savepoint-schedule",
            operator,
            new JsonObject().put("interval", "off"));
    assertEquals(200, off.status(), off.body());
    assertEquals("off", off.json().getString("effective"));
    assertEquals("off", off.json().getString("interval"));
    JsonObject settled =
        eventually(
            () -> http.get(location, operator).json(),
            r -> !"IN_PROGRESS".equals(r.getJsonObject("operation").getString("status")));
    String lastTrigger = settled.getJsonObject("operation").getString("triggerId");
    Thread.sleep(8_000); // an observation window: four intervals of the cluster's default
    assertEquals(
        lastTrigger,
        http.get(location, operator).json().getJsonObject("operation").getString("triggerId"));

    assertEquals(202, http.post("/api/v1/pipelines/periodic/cancel", operator, null).status());
    waitForState(location, "CANCELED");
  }

  @Test
  @Order(3)
  void schedulesAreValidatedAuthorisedAndAudited() throws Exception {
    pipeline("schedules", bounded("schedules"));
    for (Object bad : List.of("bogus", "0s", "31d", 5, "")) {
      Http.Response r =
          http.put(
              "/api/v1/pipelines/schedules/savepoint-schedule",
              operator,
              new JsonObject().put("interval", bad));
      assertEquals(400, r.status(), bad + ": " + r.body());
      assertTrue(r.body().contains("interval"), r.body());
    }
    assertEquals(
        400,
        http.put("/api/v1/pipelines/schedules/savepoint-schedule", operator, new JsonObject())
            .status());
    assertEquals(
        403,
        http.put(
                "/api/v1/clusters/" + clusterId + "/savepoint-schedule",
                operator,
                new JsonObject().put("interval", "1h"))
            .status());
    Http.Response set =
        http.put(
            "/api/v1/pipelines/schedules/savepoint-schedule",
            operator,
            new JsonObject().put("interval", "90m"));
    assertEquals(200, set.status(), set.body());
    assertEquals("90m", set.json().getString("interval"));
    assertEquals("90m", set.json().getString("effective"));
    Http.Response inherit =
        http.put(
            "/api/v1/pipelines/schedules/savepoint-schedule",
            operator,
            new JsonObject().putNull("interval"));
    assertNull(inherit.json().getString("interval"));
    // the audit row is written after the answer has gone: read until it is there
    eventually(
        () -> http.get("/api/v1/audit?action=pipeline.savepoint-schedule", admin).items(),
        audit ->
            audit.stream()
                .map(JsonObject.class::cast)
                .anyMatch(
                    r ->
                        r.getInteger("status") == 200
                            && "90m".equals(r.getJsonObject("detail").getString("interval"))));
    assertEquals(404, http.get("/api/v1/pipelines/nope/savepoint-schedule", operator).status());
  }

  private static Path onDisk(String location) {
    return Path.of(
        URI.create(location.startsWith("file:") ? location : "file:" + location).getPath());
  }
}
