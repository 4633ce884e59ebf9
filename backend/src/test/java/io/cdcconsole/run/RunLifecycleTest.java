package io.cdcconsole.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.sandbox.junit.FlinkSandboxExtension;
import io.cdcconsole.test.Http;
import io.cdcconsole.test.OpenApiContract;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Pipelines run on the real sandbox with real Flink CDC (values source and sink), through the
 * console's API only.
 */
class RunLifecycleTest extends SandboxRunTest {
  @RegisterExtension static final FlinkSandboxExtension FLINK = new FlinkSandboxExtension();

  @Override
  protected FlinkSandboxExtension flink() {
    return FLINK;
  }

  @Test
  void aBoundedPipelineRunsWithTheConsolesJobIdAndFinishes() throws Exception {
    pipeline("bounded", bounded("bounded"));
    Http.Response started = http.post("/api/v1/pipelines/bounded/runs", operator, new JsonObject());
    assertEquals(202, started.status(), started.body());
    String location = started.header("Location");
    assertTrue(location.matches("/api/v1/runs/\\d+"), location);
    JsonObject run = started.json();
    String jobId = run.getString("jobId");
    assertTrue(jobId.matches("[0-9a-f]{32}"), jobId);
    assertEquals("SUBMITTING", run.getString("state"));

    JsonObject finished = waitForState(location, "FINISHED");
    assertEquals(jobId, finished.getString("jobId"));
    assertEquals("FINISHED", flinkState(jobId, "FINISHED"));
    JsonObject job = flink("/jobs/" + jobId);
    assertEquals("bounded", job.getString("name"), "the job is named after the pipeline");
    JsonArray transitions = finished.getJsonArray("transitions");
    assertEquals("SUBMITTING", transitions.getJsonObject(0).getString("to"));
    assertEquals("FINISHED", transitions.getJsonObject(transitions.size() - 1).getString("to"));
    assertTrue(finished.getString("flinkUiUrl").contains(jobId));
    assertNotNull(finished.getString("endedAt"));

    JsonObject listed = http.get("/api/v1/pipelines/bounded", operator).json();
    assertEquals("FINISHED", listed.getJsonObject("currentRun").getString("state"));
    assertEquals(
        1, http.get("/api/v1/pipelines/bounded/runs", operator).json().getInteger("total"));

    // the JobManager forgets its uploaded jars (as after a restart): the next start uploads the
    // launcher again
    JsonArray jars = flink("/jars").getJsonArray("files");
    assertTrue(
        jars.stream()
            .anyMatch(j -> ((JsonObject) j).getString("name").startsWith("cdc-console-launcher-")),
        jars.encode());
    for (Object jar : jars) {
      HttpClient.newHttpClient()
          .send(
              HttpRequest.newBuilder(
                      URI.create(FLINK.restUrl() + "/jars/" + ((JsonObject) jar).getString("id")))
                  .DELETE()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
    }
    pipeline("bounded-again", bounded("bounded-again"));
    String again =
        http.post("/api/v1/pipelines/bounded-again/runs", operator, new JsonObject())
            .header("Location");
    waitForState(again, "FINISHED");
    assertEquals(
        1, flink("/jars").getJsonArray("files").size(), "uploaded once more, and only once");
  }

  @Test
  void stateChangesAreStreamedAsServerSentEvents() throws Exception {
    pipeline("streamed", bounded("streamed"));
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + console.app().port() + "/api/v1/events"))
            .header("Authorization", "Bearer " + operator)
            .build();
    HttpResponse<java.util.stream.Stream<String>> events =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofLines());
    assertEquals(200, events.statusCode());
    assertTrue(
        events.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
    long runId =
        http.post("/api/v1/pipelines/streamed/runs", operator, new JsonObject())
            .json()
            .getLong("id");
    java.util.List<String> seen = new java.util.ArrayList<>();
    var lines = events.body().iterator();
    String type = null;
    while (!seen.contains("FINISHED") && lines.hasNext()) {
      String line = lines.next();
      if (line.startsWith("event: ")) {
        type = line.substring(7);
      }
      if (line.startsWith("data: ")) {
        OpenApiContract.get().checkEvent(type, line.substring(6));
        JsonObject event = new JsonObject(line.substring(6));
        if (event.getLong("runId", -1L) == runId) {
          seen.add(event.getString("to"));
        }
      }
    }
    events.body().close();
    assertEquals("SUBMITTING", seen.get(0), seen.toString());
    assertTrue(seen.contains("INITIALIZING") && seen.contains("FINISHED"), seen.toString());
    assertEquals(401, http.get("/api/v1/events", null).status());
  }

  @Test
  void aRunningPipelineIsCancelledAndOnlyOneRunIsActiveAtATime() throws Exception {
    pipeline("cancelled", keepsRunning("cancelled"));
    Http.Response started =
        http.send(
            "POST",
            "/api/v1/pipelines/cancelled/runs",
            operator,
            "{}",
            null,
            Map.of("Idempotency-Key", "deploy-42"));
    assertEquals(202, started.status(), started.body());
    String location = started.header("Location");
    JsonObject running = waitForState(location, "RUNNING");
    assertEquals("RUNNING", flinkState(running.getString("jobId"), "RUNNING"));

    Http.Response again = http.post("/api/v1/pipelines/cancelled/runs", operator, new JsonObject());
    assertEquals(409, again.status(), again.body());
    Http.Response sameKey =
        http.send(
            "POST",
            "/api/v1/pipelines/cancelled/runs",
            operator,
            "{}",
            null,
            Map.of("Idempotency-Key", "deploy-42"));
    assertEquals(202, sameKey.status(), sameKey.body());
    assertEquals(location, sameKey.header("Location"), "the same key answers the first run");
    assertEquals(
        409,
        http.delete(
                "/api/v1/pipelines/cancelled",
                operator,
                http.etag("/api/v1/pipelines/cancelled", operator))
            .status(),
        "no delete while running");

    Http.Response cancel = http.post("/api/v1/pipelines/cancelled/cancel", operator, null);
    assertEquals(202, cancel.status(), cancel.body());
    JsonObject cancelled = waitForState(location, "CANCELED");
    assertEquals("CANCELED", flinkState(cancelled.getString("jobId"), "CANCELED"));
    assertEquals(
        409,
        http.post("/api/v1/pipelines/cancelled/cancel", operator, null).status(),
        "nothing left to cancel");
  }

  @Test
  void flinksRefusalIsKeptWithoutTheSecretsAndNoSecretReachesFlink() throws Exception {
    String password = "Run-Mysql-Secret-73";
    String mysql =
        """
        source:
          type: mysql
          hostname: 127.0.0.1
          port: 1
          username: cdc
          password: %s
          tables: shop.orders
        sink:
          type: values
        """
            .formatted(password);
    pipeline("refused", mysql);
    String location =
        http.post("/api/v1/pipelines/refused/runs", operator, new JsonObject()).header("Location");
    JsonObject refused = waitForState(location, "FAILED_TO_SUBMIT");
    String cause = refused.getString("lastError");
    assertNotNull(cause);
    assertTrue(cause.toLowerCase().contains("mysql"), cause);
    for (String path : new String[] {"/jars", "/jobmanager/config", "/jobs/overview"}) {
      assertFalse(flinkText(path).contains(password), path);
    }
    assertFalse(
        http.get(location.replace("/api/v1", "/api/v1"), operator).body().contains(password));
  }

  @Test
  void aJobStartedBehindTheConsolesBackIsReportedAsAnOrphanAndCanBeAdopted() throws Exception {
    pipeline("orphaned", keepsRunning("orphaned"));
    // someone runs the pipeline by hand, with Flink's REST API, under the pipeline's name
    String jarId = uploadLauncher();
    String jobId = "fedcba9876543210fedcba9876543210";
    String yaml =
        keepsRunning("orphaned").replace("  parallelism: 1", "  parallelism: 1\n  name: orphaned");
    HttpResponse<String> run =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(FLINK.restUrl() + "/jars/" + jarId + "/run"))
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            new JsonObject()
                                .put("entryClass", LauncherJar.ENTRY_CLASS)
                                .put("programArgsList", new JsonArray().add(yaml))
                                .put("jobId", jobId)
                                .encode()))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, run.statusCode(), run.body());
    assertEquals("RUNNING", flinkState(jobId, "RUNNING"));

    JsonArray orphans = http.get("/api/v1/orphans", operator).json().getJsonArray("items");
    JsonObject orphan =
        orphans.stream()
            .map(JsonObject.class::cast)
            .filter(o -> jobId.equals(o.getString("jobId")))
            .findFirst()
            .orElseThrow(() -> new AssertionError("not reported: " + orphans.encodePrettily()));
    assertEquals("orphaned", orphan.getString("name"));
    assertEquals("sandbox", orphan.getString("cluster"));

    Http.Response adopted =
        http.post(
            "/api/v1/pipelines/orphaned/adopt", operator, new JsonObject().put("jobId", jobId));
    assertEquals(202, adopted.status(), adopted.body());
    JsonObject tracked = waitForState(adopted.header("Location"), "RUNNING");
    assertEquals(jobId, tracked.getString("jobId"));
    assertTrue(
        http.get("/api/v1/orphans", operator).json().getJsonArray("items").stream()
            .noneMatch(o -> jobId.equals(((JsonObject) o).getString("jobId"))),
        "no longer an orphan");
    assertEquals(
        409,
        http.post(
                "/api/v1/pipelines/orphaned/adopt", operator, new JsonObject().put("jobId", jobId))
            .status());
    http.post("/api/v1/pipelines/orphaned/cancel", operator, null);
    waitForState(adopted.header("Location"), "CANCELED");
  }

  @Test
  void aSecretResolvedAtSubmitTimeAppearsInNoFlinkAnswerAboutTheJob() throws Exception {
    // the values connector has no credential option, so a named secret stands in one of its
    // options: whatever a
    // secret resolves to travels to the JobManager through a launch ticket, never as a program
    // argument
    String secret = "SINGLE_SPLIT_SINGLE_TABLE";
    assertEquals(
        201,
        http.put("/api/v1/secrets/event-set", admin, new JsonObject().put("value", secret))
            .status());
    pipeline(
        "with-secret",
        keepsRunning("with-secret")
            .replace(
                "event-set.id: SINGLE_SPLIT_SINGLE_TABLE", "event-set.id: ${secret:event-set}"));
    String location =
        http.post("/api/v1/pipelines/with-secret/runs", operator, new JsonObject())
            .header("Location");
    JsonObject running = waitForState(location, "RUNNING");
    String jobId = running.getString("jobId");
    for (String path :
        new String[] {
          "/jobs/" + jobId,
          "/jobs/" + jobId + "/config",
          "/jobs/" + jobId + "/plan",
          "/jobmanager/config",
          "/jars",
          "/jobs/overview"
        }) {
      String answer = flinkText(path);
      assertTrue(answer.length() > 2, path);
      assertFalse(
          answer.contains(secret), "the secret is in Flink's answer to " + path + ": " + answer);
    }
    assertFalse(http.get(location, operator).body().contains(secret));
    http.post("/api/v1/pipelines/with-secret/cancel", operator, null);
    waitForState(location, "CANCELED");
  }
}
