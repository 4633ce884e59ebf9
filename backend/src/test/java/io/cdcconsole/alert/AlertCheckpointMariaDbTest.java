package io.cdcconsole.alert;

import static io.cdcconsole.test.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.run.SandboxRunTest;
import io.cdcconsole.sandbox.junit.FlinkSandboxExtension;
import io.cdcconsole.sandbox.junit.MariaDbExtension;
import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoint alerts on a real binlog source: two pipelines read a private MariaDB through Flink CDC
 * 3.2.0's MySQL connector on the sandbox, checkpointing every second, with a VERDICT
 * CHECKPOINT_FAILING and a CHECKPOINT_AGE over 30 s rule each from before their start. Starting up
 * fires nothing (Flink refuses the checkpoints it triggers before the tasks run: not failures);
 * then one's checkpoint directory becomes a file, so its checkpoints fail, and its rules fire once
 * each, at a signed webhook; the other's never.
 */
@ConsoleTest.Env({
  "CDC_CONSOLE_RUN_POLL_INTERVAL=1s",
  "CDC_CONSOLE_RUN_FAST_POLL_INTERVAL=300ms",
  "CDC_CONSOLE_RUN_LOST_GRACE=5s",
  "CDC_CONSOLE_RUN_METRICS_INTERVAL=1s",
  "CDC_CONSOLE_HEALTH_CHECKPOINT_FAILURES=2",
  "CDC_CONSOLE_ALERT_RETRY_BACKOFF=200ms"
})
class AlertCheckpointMariaDbTest extends SandboxRunTest {
  @RegisterExtension
  @Order(1)
  static MariaDbExtension MARIADB = new MariaDbExtension();

  @RegisterExtension
  @Order(2)
  static FlinkSandboxExtension FLINK = new FlinkSandboxExtension();

  @TempDir static Path tmp;

  private static final String SECRET = "whsec-cp-4b3a2918";
  private static final long AGE_MS = 30_000;
  private static final String FAILING = "mysql-cp-failing";
  private static final String CONTROL = "mysql-cp-control";

  /** The webhook body as docs/alerts.md documents it, no more, no less. */
  private static final Set<String> BODY =
      Set.of("event", "severity", "rule", "pipeline", "runId", "summary", "at");

  @RegisterExtension static final Receiver receiver = new Receiver();

  @Override
  protected FlinkSandboxExtension flink() {
    return FLINK;
  }

  /** A test that failed halfway leaves no job running. */
  @AfterEach
  void cancelLeftovers() {
    for (String name : List.of(FAILING, CONTROL)) {
      http.post("/api/v1/pipelines/" + name + "/cancel", operator, null);
    }
  }

  private static List<Receiver.Request> sent(String rule, String event) {
    return receiver.to("/cp").stream()
        .filter(
            r -> {
              JsonObject m = new JsonObject(r.body());
              return rule.equals(m.getString("rule")) && event.equals(m.getString("event"));
            })
        .toList();
  }

  /**
   * A VERDICT CHECKPOINT_FAILING and a CHECKPOINT_AGE rule for the pipeline; answers their names.
   */
  private List<String> rules(String pipeline) {
    String verdict = pipeline + "-verdict";
    String age = pipeline + "-age";
    for (JsonObject spec :
        List.of(
            new JsonObject()
                .put("name", verdict)
                .put("kind", "VERDICT")
                .put("values", new JsonArray().add("CHECKPOINT_FAILING"))
                .put("severity", "CRITICAL"),
            new JsonObject()
                .put("name", age)
                .put("kind", "CHECKPOINT_AGE")
                .put("thresholdMs", AGE_MS))) {
      Http.Response r =
          http.post(
              "/api/v1/alert-rules",
              operator,
              spec.put("pipeline", pipeline).put("channels", new JsonArray().add("cp-hook")));
      assertEquals(201, r.status(), r.body());
    }
    return List.of(verdict, age);
  }

  private JsonArray samples(long runId) {
    Http.Response r =
        http.get("/api/v1/runs/" + runId + "/metrics?since=2000-01-01T00:00:00Z", operator);
    assertEquals(200, r.status(), r.body());
    return r.json().getJsonArray("items");
  }

  /** The run's samples since its first completed checkpoint. */
  private List<JsonObject> checkpointed(long runId) {
    return samples(runId).stream()
        .map(JsonObject.class::cast)
        .dropWhile(s -> s.getString("checkpointAt") == null)
        .toList();
  }

  /** What the console saw, for a failure's message. */
  private String diagnosis(long runId) {
    JsonArray items = samples(runId);
    return "samples "
        + items.getList().subList(Math.max(0, items.size() - 5), items.size())
        + "\nalerts "
        + http.get("/api/v1/alerts", operator).body()
        + "\ndeliveries "
        + http.get("/api/v1/alert-deliveries", admin).body()
        + "\nreceived "
        + receiver.requests.stream().map(Receiver.Request::body).toList();
  }

  private long start(String pipeline, Path checkpoints) throws Exception {
    Http.Response started =
        http.post(
            "/api/v1/pipelines/" + pipeline + "/runs", operator, checkpointingInto(checkpoints));
    assertEquals(202, started.status(), started.body());
    return waitForState(started.header("Location"), "RUNNING").getLong("id");
  }

  @Test
  void failingCheckpointsFireTheVerdictAndAgeRulesOfThatPipelineOnly() throws Exception {
    MARIADB.sql(
        "CREATE TABLE cp_failing (id INT PRIMARY KEY, v VARCHAR(20));"
            + "CREATE TABLE cp_control (id INT PRIMARY KEY, v VARCHAR(20));"
            + "INSERT INTO cp_failing VALUES (1, 'a'); INSERT INTO cp_control VALUES (1, 'a');");
    Http.Response channel =
        http.post(
            "/api/v1/alert-channels",
            admin,
            new JsonObject()
                .put("name", "cp-hook")
                .put("type", "webhook")
                .put(
                    "config",
                    new JsonObject().put("url", receiver.url("/cp")).put("secret", SECRET)));
    assertEquals(201, channel.status(), channel.body());
    pipeline(FAILING, mariaDbToValues(MARIADB, "cp_failing", 5701));
    pipeline(CONTROL, mariaDbToValues(MARIADB, "cp_control", 5702));
    List<String> failingRules = rules(FAILING);
    List<String> controlRules = rules(CONTROL);
    Path failingDir = Files.createDirectories(tmp.resolve("failing"));
    Path controlDir = Files.createDirectories(tmp.resolve("control"));
    long runId = start(FAILING, failingDir);
    Instant controlFrom = Instant.now();
    long controlId = start(CONTROL, controlDir);
    String jobId = http.get("/api/v1/runs/" + runId, operator).json().getString("jobId");

    // the start-up: until all of a job's tasks run, Flink refuses every checkpoint it triggers and
    // counts it as failed; the console counts failures only from then on, so nothing fires
    // (a few samples past the first checkpoint of each: the refusals show up in Flink's answers
    // late)
    eventually(Duration.ofMinutes(4), () -> checkpointed(runId), s -> s.size() >= 4);
    eventually(Duration.ofMinutes(4), () -> checkpointed(controlId), s -> s.size() >= 4);
    assertTrue(
        http.get("/api/v1/alerts", operator).json().getJsonArray("items").isEmpty(),
        () -> "an alert at start-up: " + diagnosis(runId));
    assertTrue(receiver.to("/cp").isEmpty(), () -> "sent at start-up: " + diagnosis(runId));

    breakCheckpoints(failingDir, jobId);
    for (long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        failingRules.stream().anyMatch(rule -> sent(rule, "FIRING").isEmpty());
        Thread.sleep(500)) {
      assertTrue(System.nanoTime() < deadline, () -> "not FIRING in 5 min: " + diagnosis(runId));
    }

    // the verdict, with its reason, in the run's answer
    JsonObject health = http.get("/api/v1/runs/" + runId, operator).json().getJsonObject("health");
    assertNotNull(health, () -> diagnosis(runId));
    assertEquals("CHECKPOINT_FAILING", health.getString("status"), health.encode());
    assertTrue(health.getString("reason").contains("checkpoints failed"), health.encode());

    // each rule's alert FIRING for the run in the API
    JsonArray alerts = http.get("/api/v1/alerts", operator).json().getJsonArray("items");
    for (String rule : failingRules) {
      JsonObject alert =
          alerts.stream()
              .map(JsonObject.class::cast)
              .filter(a -> rule.equals(a.getString("rule")))
              .findFirst()
              .orElseThrow(() -> new AssertionError(rule + " not listed: " + alerts.encode()));
      assertEquals("FIRING", alert.getString("status"), alert.encode());
      assertEquals(FAILING, alert.getString("pipeline"), alert.encode());
      assertEquals(runId, alert.getLong("runId"), alert.encode());
      assertNotNull(alert.getString("firedAt"), alert.encode());
    }

    // what the receiver got: the documented body, signed, once per rule, without a secret
    for (String rule : failingRules) {
      List<Receiver.Request> fired = sent(rule, "FIRING");
      assertEquals(1, fired.size(), () -> rule + " sent once: " + diagnosis(runId));
      Receiver.Request req = fired.get(0);
      assertTrue(Receiver.signedWith(req, SECRET), () -> "signature of " + req);
      assertEquals("application/json", req.headers().get("Content-Type"));
      assertFalse(req.body().contains(SECRET), req.body());
      assertFalse(req.body().contains(MariaDbExtension.PASSWORD), req.body());
      JsonObject body = new JsonObject(req.body());
      assertEquals(BODY, body.fieldNames(), req.body());
      assertEquals(FAILING, body.getString("pipeline"), req.body());
      assertEquals(runId, body.getLong("runId"), req.body());
      Instant.parse(body.getString("at"));
    }
    JsonObject verdict = new JsonObject(sent(failingRules.get(0), "FIRING").get(0).body());
    assertEquals("CRITICAL", verdict.getString("severity"), verdict.encode());
    assertTrue(
        verdict.getString("summary").startsWith("CHECKPOINT_FAILING: ")
            && verdict.getString("summary").contains("checkpoints failed"),
        verdict.encode());
    JsonObject age = new JsonObject(sent(failingRules.get(1), "FIRING").get(0).body());
    assertEquals("WARNING", age.getString("severity"), age.encode());
    assertTrue(age.getString("summary").contains("over " + AGE_MS + " ms"), age.encode());

    // the outbox recorded them as delivered, with the message the receiver got
    Http.Response delivered =
        eventually(
            () -> http.get("/api/v1/alert-deliveries?status=DELIVERED&limit=100", admin),
            r ->
                failingRules.stream()
                    .allMatch(
                        rule ->
                            r.json().getJsonArray("items").stream()
                                .map(JsonObject.class::cast)
                                .anyMatch(d -> rule.equals(d.getString("rule")))));
    assertFalse(delivered.body().contains(SECRET), delivered.body());
    for (String rule : failingRules) {
      JsonObject delivery =
          delivered.json().getJsonArray("items").stream()
              .map(JsonObject.class::cast)
              .filter(d -> rule.equals(d.getString("rule")))
              .findFirst()
              .orElseThrow();
      assertEquals("cp-hook", delivery.getString("channel"), delivery.encode());
      assertEquals("FIRING", delivery.getString("event"), delivery.encode());
      assertEquals(FAILING, delivery.getString("pipeline"), delivery.encode());
      assertEquals(
          new JsonObject(sent(rule, "FIRING").get(0).body()),
          delivery.getJsonObject("message"),
          delivery.encode());
    }

    // the control: measured with its rules in place for over twice the age threshold, never
    // CHECKPOINT_FAILING, and none of its rules pending, firing or sent
    List<JsonObject> control =
        eventually(
            Duration.ofMinutes(3),
            () -> checkpointed(controlId),
            s ->
                Instant.parse(s.get(s.size() - 1).getString("at"))
                    .isAfter(controlFrom.plusMillis(2 * AGE_MS)));
    JsonObject controlHealth =
        http.get("/api/v1/runs/" + controlId, operator).json().getJsonObject("health");
    assertNotNull(controlHealth, () -> diagnosis(controlId));
    assertFalse(
        "CHECKPOINT_FAILING".equals(controlHealth.getString("status")), controlHealth.encode());
    JsonObject lastControl = control.get(control.size() - 1);
    assertTrue(
        Duration.between(
                    Instant.parse(lastControl.getString("checkpointAt")),
                    Instant.parse(lastControl.getString("at")))
                .toMillis()
            < AGE_MS,
        lastControl.encode());
    assertTrue(
        http.get("/api/v1/alerts", operator).json().getJsonArray("items").stream()
            .map(JsonObject.class::cast)
            .noneMatch(a -> CONTROL.equals(a.getString("pipeline"))),
        () -> diagnosis(controlId));
    assertTrue(
        Stream.of("FIRING", "RESOLVED")
            .allMatch(e -> controlRules.stream().allMatch(rule -> sent(rule, e).isEmpty())),
        () -> diagnosis(controlId));
    // a minute on, the failing pipeline's alerts have still been sent exactly once, never resolved
    for (String rule : failingRules) {
      assertEquals(1, sent(rule, "FIRING").size(), () -> rule + ": " + diagnosis(runId));
      assertTrue(sent(rule, "RESOLVED").isEmpty(), () -> rule + ": " + diagnosis(runId));
    }
  }
}
