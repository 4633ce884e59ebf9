package io.cdcconsole.health;

import static io.cdcconsole.test.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.run.SandboxRunTest;
import io.cdcconsole.sandbox.junit.FlinkSandboxExtension;
import io.cdcconsole.sandbox.junit.MariaDbExtension;
import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.Http;
import io.cdcconsole.test.Sse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Health on a real binlog source: a private MariaDB read by Flink CDC 3.2.0's MySQL connector on
 * the sandbox, measured every second by the console.
 */
@ConsoleTest.Env({
  "CDC_CONSOLE_RUN_POLL_INTERVAL=1s",
  "CDC_CONSOLE_RUN_FAST_POLL_INTERVAL=300ms",
  "CDC_CONSOLE_RUN_LOST_GRACE=5s",
  "CDC_CONSOLE_CLUSTER_HEALTH_INTERVAL=2s",
  "CDC_CONSOLE_RUN_METRICS_INTERVAL=1s",
  "CDC_CONSOLE_HEALTH_STALL_PERIODS=3",
  "CDC_CONSOLE_HEALTH_CHECKPOINT_FAILURES=2"
})
class HealthMariaDbTest extends SandboxRunTest {
  @RegisterExtension
  @Order(1)
  static MariaDbExtension MARIADB = new MariaDbExtension();

  @RegisterExtension
  @Order(2)
  static FlinkSandboxExtension FLINK = new FlinkSandboxExtension();

  @TempDir static Path tmp;

  @Override
  protected FlinkSandboxExtension flink() {
    return FLINK;
  }

  /** A test that failed halfway leaves no job measuring on for the next one. */
  @AfterEach
  void cancelLeftovers() {
    for (String name : List.of("mysql-busy", "mysql-gated")) {
      http.post("/api/v1/pipelines/" + name + "/cancel", operator, null);
    }
  }

  private JsonObject metrics(long runId) {
    Http.Response r =
        http.get("/api/v1/runs/" + runId + "/metrics?since=2000-01-01T00:00:00Z", operator);
    assertEquals(200, r.status(), r.body());
    return r.json();
  }

  private static JsonObject last(JsonObject metrics) {
    JsonArray items = metrics.getJsonArray("items");
    return items.isEmpty() ? null : items.getJsonObject(items.size() - 1);
  }

  @Test
  void insertedRowsMoveTheRecordsAndASourceWithoutChangesIsIdleNotStalled() throws Exception {
    MARIADB.sql(
        "CREATE TABLE busy (id INT PRIMARY KEY, v VARCHAR(20));"
            + "INSERT INTO busy VALUES (1, 'a'), (2, 'b');");
    pipeline("mysql-busy", mariaDbToValues(MARIADB, "busy", 5501));
    String location =
        http.post("/api/v1/pipelines/mysql-busy/runs", operator, new JsonObject())
            .header("Location");
    JsonObject run = waitForState(location, "RUNNING");
    long runId = run.getLong("id");

    // measured: what Flink CDC 3.2.0 reports, and what it does not (null and named, never a zero)
    JsonObject first =
        eventually(
            Duration.ofMinutes(3),
            () -> last(metrics(runId)),
            p -> p != null && p.getLong("recordsOut") != null && p.getLong("recordsOut") >= 2);
    JsonArray notReported = first.getJsonArray("notReported");
    assertTrue(notReported.contains("snapshotProgress"), first.encodePrettily());
    for (String reported :
        List.of(
            "currentFetchEventTimeLag",
            "currentEmitEventTimeLag",
            "sourceIdleTime",
            "numRecordsOutPerSecond",
            "numSchemaChangeEvents")) {
      assertFalse(
          notReported.contains(reported),
          reported + " is reported by Flink CDC 3.2.0: " + first.encodePrettily());
    }
    assertFalse(
        first.containsKey("snapshot") && first.getValue("snapshot") != null,
        first.encodePrettily());

    // inserted rows move the records metric
    long before = first.getLong("recordsOut");
    StringBuilder rows = new StringBuilder("INSERT INTO busy VALUES ");
    for (int i = 10; i < 60; i++) {
      rows.append(i == 10 ? "" : ",").append("(").append(i).append(", 'row").append(i).append("')");
    }
    MARIADB.sql(rows + ";");
    JsonObject moved =
        eventually(
            Duration.ofMinutes(2),
            () -> last(metrics(runId)),
            p -> p.getLong("recordsOut") != null && p.getLong("recordsOut") >= before + 50);
    assertNotNull(
        moved.getLong("fetchLagMs"),
        "a binlog change sets the fetch lag: " + moved.encodePrettily());

    // then nothing changes: the records stand still, no checkpoints (checkpointing is off), and yet
    // not STALLED
    long settled = moved.getLong("recordsOut");
    JsonObject idle =
        eventually(
            Duration.ofMinutes(2),
            () -> metrics(runId),
            m -> {
              JsonArray items = m.getJsonArray("items");
              int still = 0;
              for (int i = items.size() - 1;
                  i >= 0 && items.getJsonObject(i).getLong("recordsOut", -1L) == settled;
                  i--) {
                still++;
              }
              return still >= 6;
            });
    JsonObject health = idle.getJsonObject("health");
    assertEquals("HEALTHY", health.getString("status"), idle.encodePrettily());
    assertTrue(health.getString("reason").startsWith("idle"), health.encodePrettily());

    // the same verdict in the run and the pipeline answers
    JsonObject details = http.get(location, operator).json();
    assertEquals(
        "HEALTHY", details.getJsonObject("health").getString("status"), details.encodePrettily());
    JsonObject pipeline = http.get("/api/v1/pipelines/mysql-busy", operator).json();
    assertEquals(
        "HEALTHY",
        pipeline.getJsonObject("currentRun").getJsonObject("health").getString("status"),
        pipeline.encodePrettily());

    // and as run.health events on the stream
    try (Sse events = Sse.open(console.app().port(), operator, null)) {
      Optional<Sse.Event> event;
      do {
        event = events.next();
      } while (event.isPresent()
          && !("run.health".equals(event.get().name())
              && event.get().data().getLong("runId") == runId));
      assertTrue(event.isPresent());
      assertEquals(
          "HEALTHY", event.get().data().getString("status"), event.get().data().encodePrettily());
    }

    assertEquals(
        400, http.get("/api/v1/runs/" + runId + "/metrics?since=yesterday", operator).status());
    assertEquals(400, http.get("/api/v1/runs/" + runId + "/metrics?limit=0", operator).status());
    assertEquals(404, http.get("/api/v1/runs/999999/metrics", operator).status());

    http.post("/api/v1/pipelines/mysql-busy/cancel", operator, null);
    JsonObject canceled = waitForState(location, "CANCELED");
    assertNull(canceled.getValue("health"), "a run that is not RUNNING has no current health");
  }

  @Test
  void theFreshnessGateWaitsForACheckpointAndFailingCheckpointsAreReported() throws Exception {
    MARIADB.sql(
        "CREATE TABLE gated (id INT PRIMARY KEY, v VARCHAR(20)); INSERT INTO gated VALUES (1, 'a');");
    Path checkpoints = Files.createDirectories(tmp.resolve("checkpoints"));
    pipeline("mysql-gated", mariaDbToValues(MARIADB, "gated", 5502));
    Http.Response started =
        http.post("/api/v1/pipelines/mysql-gated/runs", operator, checkpointingInto(checkpoints));
    assertEquals(202, started.status(), started.body());
    String location = started.header("Location");
    JsonObject run = waitForState(location, "RUNNING");
    String jobId = run.getString("jobId");
    // the MySQL source knows its lag from the first change it reads from the binlog (not from the
    // snapshot)
    eventually(
        Duration.ofMinutes(3),
        () -> last(metrics(run.getLong("id"))),
        p -> p != null && p.getLong("recordsOut") != null && p.getLong("recordsOut") >= 1);
    MARIADB.sql("INSERT INTO gated VALUES (2, 'b');");
    eventually(
        Duration.ofMinutes(2),
        () -> last(metrics(run.getLong("id"))),
        p -> p.getLong("emitLagMs") != null);

    // before a checkpoint after the asked time (here: a little in the future) the gate answers
    // FAILURE
    Instant after = Instant.now().plusSeconds(15);
    String gate = "/api/v1/ds/caught-up?pipeline=mysql-gated&maxLag=60s&checkpointAfter=" + after;
    Http.Response early = http.get(gate + "&wait=false", operator);
    assertEquals(409, early.status(), early.body());
    assertTrue(early.body().contains("\"result\":\"FAILURE\""), early.body());

    // waiting, it answers SUCCESS once a checkpoint completed after that time
    // (20 s per call: the test's HTTP client gives up after 30)
    Http.Response caughtUp =
        eventually(
            Duration.ofMinutes(3),
            () -> {
              Http.Response r = http.get(gate + "&timeout=20", operator);
              assertTrue(r.status() == 200 || r.status() == 504 || r.status() == 409, r.body());
              return r;
            },
            r -> r.status() == 200);
    JsonObject answer = caughtUp.json();
    assertEquals("SUCCESS", answer.getString("result"), caughtUp.body());
    assertTrue(Instant.parse(answer.getString("checkpointAt")).isAfter(after), caughtUp.body());
    assertTrue(answer.getLong("lagMs") < 60_000, caughtUp.body());
    assertEquals(
        400, http.get("/api/v1/ds/caught-up?pipeline=mysql-gated&maxLag=soon", operator).status());
    assertEquals(
        400,
        http.get("/api/v1/ds/caught-up?pipeline=mysql-gated&checkpointAfter=midnight", operator)
            .status());

    // the job's checkpoint directory becomes a file: every checkpoint fails from now on
    breakCheckpoints(checkpoints, jobId);
    JsonObject failing =
        eventually(
            Duration.ofMinutes(3),
            () -> metrics(run.getLong("id")),
            m ->
                m.getJsonObject("health") != null
                    && "CHECKPOINT_FAILING".equals(m.getJsonObject("health").getString("status")));
    assertTrue(
        failing.getJsonObject("health").getString("reason").contains("checkpoints failed"),
        failing.encodePrettily());
    assertNotEquals(0L, last(failing).getLong("checkpointsFailed"));

    http.post("/api/v1/pipelines/mysql-gated/cancel", operator, null);
    waitForState(location, "CANCELED");
  }
}
