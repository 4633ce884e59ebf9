package io.cdcconsole.alert;

import static io.cdcconsole.test.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.run.SandboxRunTest;
import io.cdcconsole.sandbox.junit.FlinkSandboxExtension;
import io.cdcconsole.sandbox.junit.MariaDbExtension;
import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Lag alerts on a real binlog source: a private MariaDB read by Flink CDC 3.2.0's MySQL connector
 * on the sandbox, measured every second. A binlog event's time has whole seconds, so every change
 * read lags by more than the 1 ms threshold: rows inserted one after the other fire a LAG rule and
 * a VERDICT LAGGING rule; when the inserts stop, the source is idle (caught up) and both resolve,
 * although the connector keeps reporting the last change's lag.
 */
@ConsoleTest.Env({
  "CDC_CONSOLE_RUN_POLL_INTERVAL=1s",
  "CDC_CONSOLE_RUN_FAST_POLL_INTERVAL=300ms",
  "CDC_CONSOLE_RUN_LOST_GRACE=5s",
  "CDC_CONSOLE_RUN_METRICS_INTERVAL=1s",
  "CDC_CONSOLE_HEALTH_LAG_THRESHOLD=1ms",
  "CDC_CONSOLE_HEALTH_LAG_PERIODS=2",
  "CDC_CONSOLE_ALERT_RETRY_BACKOFF=200ms"
})
class AlertLagMariaDbTest extends SandboxRunTest {
  @RegisterExtension
  @Order(1)
  static MariaDbExtension MARIADB = new MariaDbExtension();

  @RegisterExtension
  @Order(2)
  static FlinkSandboxExtension FLINK = new FlinkSandboxExtension();

  @RegisterExtension static final Receiver receiver = new Receiver();

  @Override
  protected FlinkSandboxExtension flink() {
    return FLINK;
  }

  /** A test that failed halfway leaves no job running. */
  @AfterEach
  void cancelLeftovers() {
    http.post("/api/v1/pipelines/mysql-lag/cancel", operator, null);
  }

  private static List<JsonObject> sent(String rule, String event) {
    return receiver.to("/lag").stream()
        .map(r -> new JsonObject(r.body()))
        .filter(m -> rule.equals(m.getString("rule")) && event.equals(m.getString("event")))
        .toList();
  }

  private void rule(JsonObject spec) {
    Http.Response r =
        http.post(
            "/api/v1/alert-rules",
            operator,
            spec.put("pipeline", "mysql-lag").put("channels", new JsonArray().add("lag-hook")));
    assertEquals(201, r.status(), r.body());
  }

  /** What the console saw, for a failure's message: the last samples, the alerts, the messages. */
  private String diagnosis(long runId) {
    JsonArray items =
        http.get("/api/v1/runs/" + runId + "/metrics?since=2000-01-01T00:00:00Z", operator)
            .json()
            .getJsonArray("items", new JsonArray());
    return "samples "
        + items.getList().subList(Math.max(0, items.size() - 8), items.size())
        + "\nalerts "
        + http.get("/api/v1/alerts", operator).body()
        + "\ndeliveries "
        + http.get("/api/v1/alert-deliveries", admin).body()
        + "\nreceived "
        + receiver.requests.stream().map(Receiver.Request::body).toList();
  }

  @Test
  void changesReadLateFireTheLagRulesAndAnIdleSourceResolvesThem() throws Exception {
    MARIADB.sql("CREATE TABLE lagged (id INT PRIMARY KEY, v VARCHAR(20));");
    assertEquals(
        201,
        http.post(
                "/api/v1/alert-channels",
                admin,
                new JsonObject()
                    .put("name", "lag-hook")
                    .put("type", "webhook")
                    .put("config", new JsonObject().put("url", receiver.url("/lag"))))
            .status());
    pipeline("mysql-lag", mariaDbToValues(MARIADB, "lagged", 5601));
    rule(
        new JsonObject()
            .put("name", "lag-over-1ms")
            .put("kind", "LAG")
            .put("thresholdMs", 1)
            .put("periods", 2)
            .put("sendResolved", true));
    rule(
        new JsonObject()
            .put("name", "verdict-lagging")
            .put("kind", "VERDICT")
            .put("values", new JsonArray().add("LAGGING"))
            .put("sendResolved", true));

    Http.Response started =
        http.post("/api/v1/pipelines/mysql-lag/runs", operator, new JsonObject());
    assertEquals(202, started.status(), started.body());
    long runId = waitForState(started.header("Location"), "RUNNING").getLong("id");

    // a row every 200 ms (one client session, autocommit: one binlog event each) until both rules
    // fired; the source reads the binlog once its snapshot of the empty table is done
    AtomicBoolean inserting = new AtomicBoolean(true);
    Thread trickle =
        new Thread(
            () -> {
              for (int batch = 0; inserting.get(); batch++) {
                StringBuilder sql = new StringBuilder();
                for (int i = 0; i < 50; i++) {
                  int id = batch * 50 + i;
                  sql.append("INSERT INTO lagged VALUES (")
                      .append(id)
                      .append(", 'row")
                      .append(id)
                      .append("'); DO SLEEP(0.2);");
                }
                try {
                  MARIADB.sql(sql.toString());
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              }
            },
            "trickle");
    trickle.start();
    try {
      eventually(
          Duration.ofMinutes(4),
          () ->
              !sent("lag-over-1ms", "FIRING").isEmpty()
                  && !sent("verdict-lagging", "FIRING").isEmpty(),
          fired -> fired,
          () -> "no FIRING: " + diagnosis(runId));
    } finally {
      inserting.set(false);
      trickle.join(60_000);
    }
    JsonObject lagFired = sent("lag-over-1ms", "FIRING").get(0);
    assertEquals("mysql-lag", lagFired.getString("pipeline"), lagFired.encode());
    assertEquals(runId, lagFired.getLong("runId"), lagFired.encode());
    assertEquals("WARNING", lagFired.getString("severity"), lagFired.encode());
    assertTrue(lagFired.getString("summary").contains("over 1 ms"), lagFired.encode());
    JsonObject verdictFired = sent("verdict-lagging", "FIRING").get(0);
    assertEquals("mysql-lag", verdictFired.getString("pipeline"), verdictFired.encode());
    assertTrue(verdictFired.getString("summary").startsWith("LAGGING"), verdictFired.encode());

    // the inserts stop: the source has nothing more to read, so both clear, though the connector's
    // lag metrics keep the last change's value
    eventually(
        Duration.ofMinutes(2),
        () ->
            !sent("lag-over-1ms", "RESOLVED").isEmpty()
                && !sent("verdict-lagging", "RESOLVED").isEmpty(),
        resolved -> resolved,
        () -> "not RESOLVED: " + diagnosis(runId));
    JsonObject lagResolved = sent("lag-over-1ms", "RESOLVED").get(0);
    assertEquals("mysql-lag", lagResolved.getString("pipeline"), lagResolved.encode());
    assertEquals(runId, lagResolved.getLong("runId"), lagResolved.encode());
    JsonObject verdictResolved = sent("verdict-lagging", "RESOLVED").get(0);
    assertEquals("mysql-lag", verdictResolved.getString("pipeline"), verdictResolved.encode());
    for (String rule : List.of("lag-over-1ms", "verdict-lagging")) {
      List<String> events =
          receiver.to("/lag").stream()
              .map(r -> new JsonObject(r.body()))
              .filter(m -> rule.equals(m.getString("rule")))
              .map(m -> m.getString("event"))
              .toList();
      assertEquals("FIRING", events.get(0), rule + " fired before it resolved: " + events);
    }

    // what resolved them: the run is measured idle, its lag counted as 0 while the last change's
    // lag is still reported as it is
    JsonObject health =
        eventually(
            () -> http.get("/api/v1/runs/" + runId, operator).json().getJsonObject("health"),
            h -> h != null && h.getString("reason", "").startsWith("idle"));
    assertEquals("HEALTHY", health.getString("status"), health.encode());
    assertEquals(0L, health.getLong("lagMs"), health.encode());
    JsonObject metrics = health.getJsonObject("metrics");
    assertTrue(metrics.getBoolean("caughtUp"), health.encode());
    Long reported = metrics.getLong("emitLagMs", metrics.getLong("fetchLagMs"));
    assertTrue(reported != null && reported > 1, "the metric keeps its value: " + health.encode());
  }
}
