package io.cdcconsole.run;

import static io.cdcconsole.test.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.test.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * The console end to end against a session cluster of one Flink version (a sandbox module built for
 * it, with a Flink CDC release for it on the class path): health and the detected versions, a
 * running job's health sample, adopting a job started directly on Flink, cancel, a pipeline watched
 * to RUNNING and stopped with a savepoint, and a failure whose root cause the console reads from
 * that version's {@code /jobs/{id}/exceptions}. One sandbox JVM for all of it: the steps run in one
 * test, in the order the values connector's per-JVM flags need. Subclasses name the sandbox and
 * what to expect of it.
 */
abstract class FlinkVersionRunTest extends SandboxRunTest {

  /** The start of the Flink version the cluster reports, e.g. {@code "2.2."}. */
  protected abstract String flinkVersionPrefix();

  /** The Flink CDC version the console should detect on the cluster's class path. */
  protected abstract String flinkCdcVersion();

  /** Checks the shape of Flink's answer to {@code /jobs/{id}/exceptions} for the failed job. */
  protected abstract void assertExceptionsShape(JsonObject exceptions);

  @Test
  void theConsoleWatchesAdoptsStopsCancelsAndExplainsFailures() throws Exception {
    // health: the Flink version and the Flink CDC release on the class path, detected; they fit
    JsonObject cluster =
        eventually(
            () -> http.get("/api/v1/clusters/" + clusterId, admin).json(),
            c ->
                "HEALTHY".equals(c.getJsonObject("health").getString("status"))
                    && c.getJsonObject("cdc").getString("detectedVersion") != null);
    assertTrue(
        cluster.getJsonObject("health").getString("flinkVersion").startsWith(flinkVersionPrefix()),
        cluster.encode());
    assertEquals(flinkCdcVersion(), cluster.getJsonObject("cdc").getString("detectedVersion"));
    assertTrue(
        cluster.getJsonObject("cdc").getJsonArray("warnings").stream()
            .noneMatch(w -> w.toString().contains("built for Flink")),
        cluster.encode());

    // a job started by hand through Flink's REST API is reported as an orphan, adopted, then
    // cancelled
    pipeline("by-hand", keepsRunning("by-hand"));
    String jobId = "0123456789abcdef0123456789abcdef";
    HttpResponse<String> run =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(flink().restUrl() + "/jars/" + uploadLauncher() + "/run"))
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            new JsonObject()
                                .put("entryClass", LauncherJar.ENTRY_CLASS)
                                .put(
                                    "programArgsList",
                                    new JsonArray()
                                        .add(
                                            keepsRunning("by-hand")
                                                .replace(
                                                    "  parallelism: 1",
                                                    "  parallelism: 1\n  name: by-hand")))
                                .put("jobId", jobId)
                                .encode()))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, run.statusCode(), run.body());
    assertEquals("RUNNING", flinkState(jobId, "RUNNING"));
    eventually(
        () -> http.get("/api/v1/orphans", operator).json().getJsonArray("items"),
        items -> items.stream().anyMatch(o -> jobId.equals(((JsonObject) o).getString("jobId"))));
    Http.Response adopted =
        http.post(
            "/api/v1/pipelines/by-hand/adopt", operator, new JsonObject().put("jobId", jobId));
    assertEquals(202, adopted.status(), adopted.body());
    assertEquals(jobId, waitForState(adopted.header("Location"), "RUNNING").getString("jobId"));
    assertEquals(202, http.post("/api/v1/pipelines/by-hand/cancel", operator, null).status());
    waitForState(adopted.header("Location"), "CANCELED");
    assertEquals("CANCELED", flinkState(jobId, "CANCELED"));

    // started by the console, watched to RUNNING, stopped with a savepoint
    pipeline("kept", keepsRunning("kept"));
    String location =
        http.post("/api/v1/pipelines/kept/runs", operator, new JsonObject()).header("Location");
    JsonObject kept = waitForState(location, "RUNNING");
    waitForAllTasksRunning(kept.getString("jobId"));
    // measured by the health watcher: this version's job plan, metric lists and checkpoint
    // statistics read (a sample exists only when all of them were)
    JsonObject sample =
        eventually(
            () -> {
              JsonArray items =
                  http.get(
                          "/api/v1/runs/"
                              + kept.getLong("id")
                              + "/metrics?since=2000-01-01T00:00:00Z",
                          operator)
                      .json()
                      .getJsonArray("items");
              return items.isEmpty() ? null : items.getJsonObject(items.size() - 1);
            },
            p -> p != null);
    assertNotNull(sample.getLong("recordsOut"), sample.encodePrettily());
    assertNotNull(sample.getLong("checkpointsTriggered"), sample.encodePrettily());
    Http.Response stop =
        http.post("/api/v1/pipelines/kept/stop", operator, new JsonObject().put("savepoint", true));
    assertEquals(202, stop.status(), stop.body());
    JsonObject stopped = waitForState(location, "STOPPED");
    String savepoint = stopped.getJsonObject("operation").getString("location");
    assertNotNull(savepoint, stopped.encodePrettily());
    assertTrue(savepoint.contains("/savepoints/"), savepoint);

    // the values source's injected failure fires at once now (a savepoint completed in this JVM):
    // without restarts
    // the job fails, and the root cause is read from the /exceptions shape of this Flink version
    pipeline("failing", keepsRunning("failing"));
    Http.Response started =
        http.post(
            "/api/v1/pipelines/failing/runs",
            operator,
            new JsonObject()
                .put("flinkConfiguration", new JsonObject().put("restart-strategy.type", "none")));
    assertEquals(202, started.status(), started.body());
    JsonObject failed = waitForState(started.header("Location"), "FAILED");
    JsonObject exceptions = flink("/jobs/" + failed.getString("jobId") + "/exceptions");
    assertExceptionsShape(exceptions);
    // Flink may list the exception a little after the job failed (its REST cache): the console
    // reads it again until it has it
    String failedAt = started.header("Location");
    String cause =
        eventually(
            () -> http.get(failedAt, operator).json().getString("lastError"),
            c -> c != null && c.contains("Artificial Exception."));
    assertTrue(cause.contains("Artificial Exception."), "root cause from /exceptions: " + cause);
  }
}
