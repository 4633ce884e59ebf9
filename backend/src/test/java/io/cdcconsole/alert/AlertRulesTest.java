package io.cdcconsole.alert;

import static io.cdcconsole.test.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.health.HealthEvents;
import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rules on health, driven by {@code run.health} events published on the console's event bus as the
 * health watcher does (no job needs to lag for real; the run-state rule is tested on a real run in
 * {@link AlertRunStateTest}).
 */
@ConsoleTest.Env({"CDC_CONSOLE_ALERT_RETRY_BACKOFF=200ms"})
class AlertRulesTest extends ConsoleTest {
  @RegisterExtension static final Receiver receiver = new Receiver();
  private static long clusterId;

  @BeforeAll
  static void setUp() throws Exception {
    Http.Response cluster =
        http.post(
            "/api/v1/clusters",
            admin,
            new JsonObject()
                .put("name", "c-alerts")
                .put("restUrl", "http://127.0.0.1:1")
                .put("cdc", new JsonObject().put("mode", "provided").put("version", "3.2.0")));
    assertEquals(201, cluster.status(), cluster.body());
    clusterId = cluster.json().getLong("id");
  }

  private static long pipeline(String name, JsonObject labels) {
    Http.Response created =
        http.post(
            "/api/v1/pipelines",
            admin,
            new JsonObject()
                .put("name", name)
                .put("clusterId", clusterId)
                .put("labels", labels)
                .put(
                    "yaml",
                    """
            source:
              type: values
            sink:
              type: values
            """));
    assertEquals(201, created.status(), created.body());
    return created.json().getLong("id");
  }

  private static void channel(String name, String path) {
    Http.Response r =
        http.post(
            "/api/v1/alert-channels",
            admin,
            new JsonObject()
                .put("name", name)
                .put("type", "webhook")
                .put(
                    "config",
                    new JsonObject()
                        .put("url", receiver.url(path))
                        .put("secret", "s3cret-" + name)));
    assertEquals(201, r.status(), r.body());
  }

  private static void rule(JsonObject rule) {
    Http.Response r = http.post("/api/v1/alert-rules", admin, rule);
    assertEquals(201, r.status(), r.body());
  }

  private static void health(long pipelineId, String pipeline, String status, Long lagMs) {
    health(pipelineId, pipeline, status, lagMs, 0);
  }

  private static void health(
      long pipelineId, String pipeline, String status, Long lagMs, int restarts) {
    consoleVertx()
        .eventBus()
        .publish(
            HealthEvents.ADDRESS,
            new JsonObject()
                .put("status", status)
                .put("reason", "test says " + status)
                .put("at", Instant.now())
                .put("lagMs", lagMs)
                .put("metrics", new JsonObject().put("restarts", restarts))
                .put("runId", 4242L)
                .put("pipelineId", pipelineId)
                .put("pipeline", pipeline));
  }

  private static List<JsonObject> deliveries(String pipeline, String event) {
    JsonArray items =
        http.get("/api/v1/alert-deliveries?limit=500", admin).json().getJsonArray("items");
    return items.stream()
        .map(JsonObject.class::cast)
        .filter(d -> pipeline.equals(d.getString("pipeline")) && event.equals(d.getString("event")))
        .toList();
  }

  @Test
  void aVerdictFiresOnceThroughRetriesSurvivesARestartAndResolves() throws Exception {
    long id = pipeline("lagger", new JsonObject());
    channel("flaky", "/flaky");
    rule(
        new JsonObject()
            .put("name", "lagging")
            .put("pipeline", "lagger")
            .put("kind", "VERDICT")
            .put("values", new JsonArray().add("LAGGING"))
            .put("severity", "CRITICAL")
            .put("channels", new JsonArray().add("flaky")));
    receiver.failNext("/flaky", 2);

    health(id, "lagger", "LAGGING", 90_000L);
    JsonObject fired =
        eventually(
                () -> deliveries("lagger", "FIRING"),
                list -> list.size() == 1 && "DELIVERED".equals(list.get(0).getString("status")))
            .get(0);
    assertEquals(
        3, fired.getInteger("attempts"), "two 500s, then taken: " + fired.encodePrettily());
    assertEquals("CRITICAL", fired.getJsonObject("message").getString("severity"));
    assertEquals(3, receiver.to("/flaky").size(), "attempted three times, taken once");
    assertTrue(
        http.get("/api/v1/alerts", admin).json().getJsonArray("items").stream()
            .anyMatch(
                a ->
                    "lagger".equals(((JsonObject) a).getString("pipeline"))
                        && "FIRING".equals(((JsonObject) a).getString("status"))));

    // still lagging, and after a restart still firing: no second message
    health(id, "lagger", "LAGGING", 95_000L);
    console.restart();
    http = console.http();
    health(id, "lagger", "LAGGING", 99_000L);
    Thread.sleep(1500);
    assertEquals(1, deliveries("lagger", "FIRING").size());

    health(id, "lagger", "HEALTHY", 100L);
    JsonObject resolved =
        eventually(
                () -> deliveries("lagger", "RESOLVED"),
                list -> list.size() == 1 && "DELIVERED".equals(list.get(0).getString("status")))
            .get(0);
    assertTrue(
        resolved.getJsonObject("message").getString("summary").contains("HEALTHY"),
        resolved.encode());
    assertTrue(
        http.get("/api/v1/alerts", admin).json().getJsonArray("items").stream()
            .noneMatch(a -> "lagger".equals(((JsonObject) a).getString("pipeline"))),
        "resolved alerts are gone");
  }

  @Test
  void aLagRuleOnALabelSelectorFiresAfterItsPeriodsAndASilenceHoldsIt() throws Exception {
    long id = pipeline("orders-sync", new JsonObject().put("team", "orders"));
    long quietId = pipeline("quiet-sync", new JsonObject().put("team", "orders"));
    pipeline("other-sync", new JsonObject().put("team", "billing"));
    channel("lag-hook", "/lag");
    rule(
        new JsonObject()
            .put("name", "orders-lag")
            .put("selector", new JsonObject().put("team", "orders"))
            .put("kind", "LAG")
            .put("thresholdMs", 60_000)
            .put("periods", 3)
            .put("severity", "WARNING")
            .put("channels", new JsonArray().add("lag-hook")));
    Http.Response silence =
        http.post(
            "/api/v1/alert-silences",
            admin,
            new JsonObject()
                .put("pipeline", "quiet-sync")
                .put("until", Instant.now().plusSeconds(3600).toString())
                .put("reason", "maintenance"));
    assertEquals(201, silence.status(), silence.body());

    health(id, "orders-sync", "LAGGING", 70_000L);
    health(id, "orders-sync", "LAGGING", 80_000L);
    Thread.sleep(1000);
    assertEquals(0, deliveries("orders-sync", "FIRING").size(), "two periods are not three");
    assertTrue(
        http.get("/api/v1/alerts", admin).json().getJsonArray("items").stream()
            .anyMatch(
                a ->
                    "orders-sync".equals(((JsonObject) a).getString("pipeline"))
                        && "PENDING".equals(((JsonObject) a).getString("status"))));
    health(id, "orders-sync", "HEALTHY", 90_000L);
    JsonObject fired =
        eventually(() -> deliveries("orders-sync", "FIRING"), list -> list.size() == 1).get(0);
    assertTrue(
        fired.getJsonObject("message").getString("summary").contains("90000"), fired.encode());

    for (int i = 0; i < 3; i++) {
      health(quietId, "quiet-sync", "LAGGING", 70_000L);
    }
    eventually(
        () ->
            http.get("/api/v1/alerts", admin).json().getJsonArray("items").stream()
                .anyMatch(
                    a ->
                        "quiet-sync".equals(((JsonObject) a).getString("pipeline"))
                            && "FIRING".equals(((JsonObject) a).getString("status"))));
    Thread.sleep(1000);
    assertEquals(
        0, deliveries("quiet-sync", "FIRING").size(), "the silence holds the message back");
    assertTrue(receiver.to("/lag").stream().noneMatch(r -> r.body().contains("quiet-sync")));
  }

  @Test
  void restartsOverTheCountInTheWindowFire() throws Exception {
    long id = pipeline("restarter", new JsonObject());
    channel("restart-hook", "/restarts");
    rule(
        new JsonObject()
            .put("name", "restarts")
            .put("pipeline", "restarter")
            .put("kind", "RESTARTS")
            .put("restarts", 2)
            .put("windowMs", 600_000)
            .put("repeatMs", 1500)
            .put("channels", new JsonArray().add("restart-hook")));
    health(id, "restarter", "HEALTHY", 10L, 2);
    Thread.sleep(1000);
    assertEquals(0, deliveries("restarter", "FIRING").size(), "two restarts are not more than two");
    health(id, "restarter", "FLAPPING", 10L, 3);
    JsonObject fired =
        eventually(() -> deliveries("restarter", "FIRING"), list -> !list.isEmpty()).get(0);
    assertTrue(
        fired.getJsonObject("message").getString("summary").contains("3 times"), fired.encode());
    // still firing: sent again after its repeat interval, with the same summary
    List<JsonObject> repeated =
        eventually(() -> deliveries("restarter", "FIRING"), list -> list.size() >= 2);
    assertTrue(repeated.get(0).getJsonObject("message").getString("summary").contains("3 times"));
  }

  @Test
  void rulesAndSilencesTakeTheVersionRead() throws Exception {
    pipeline("versioned", new JsonObject());
    channel("versions-hook", "/versions");
    JsonObject body =
        new JsonObject()
            .put("name", "versioned-failed")
            .put("pipeline", "versioned")
            .put("kind", "RUN_STATE")
            .put("values", new JsonArray().add("FAILED"))
            .put("channels", new JsonArray().add("versions-hook"));
    Http.Response created = http.post("/api/v1/alert-rules", admin, body);
    assertEquals(201, created.status(), created.body());
    assertEquals("\"1\"", created.header("ETag"));
    String path = "/api/v1/alert-rules/" + created.json().getLong("id");
    assertEquals("\"1\"", http.etag(path, admin));
    assertEquals(400, http.put(path, admin, body, "\"v1\"").status());
    assertEquals(404, http.get("/api/v1/alert-rules/999999", admin).status());

    JsonObject change = body.copy().put("severity", "CRITICAL");
    Http.Response missing = http.put(path, admin, change);
    assertEquals(428, missing.status(), missing.body());
    assertEquals("application/problem+json", missing.contentType());
    Http.Response changed = http.put(path, admin, change, "\"1\"");
    assertEquals(200, changed.status(), changed.body());
    assertEquals("\"2\"", changed.header("ETag"), "every change moves the version on");
    assertEquals("\"2\"", http.etag(path, admin));
    Http.Response stale = http.put(path, admin, body, "\"1\"");
    assertEquals(412, stale.status(), stale.body());
    assertEquals(2, stale.json().getInteger("currentVersion"));
    assertEquals("CRITICAL", http.get(path, admin).json().getString("severity"));

    // two editors who read the same version at once: the write itself is conditional, one wins
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> racing = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        JsonObject mine = body.copy().put("severity", i % 2 == 0 ? "INFO" : "WARNING");
        racing.add(pool.submit(() -> http.put(path, admin, mine, "\"2\"").status()));
      }
      List<Integer> statuses = new ArrayList<>();
      for (Future<Integer> f : racing) {
        statuses.add(f.get(120, TimeUnit.SECONDS));
      }
      assertEquals(1, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
      assertEquals(3, statuses.stream().filter(s -> s == 412).count(), statuses.toString());
    } finally {
      pool.shutdownNow();
    }
    assertEquals("\"3\"", http.etag(path, admin));

    assertEquals(428, http.delete(path, admin).status());
    assertEquals(412, http.delete(path, admin, "\"2\"").status());
    assertEquals(204, http.delete(path, admin, "\"3\"").status());
    assertEquals(404, http.get(path, admin).status());

    // silences are not edited (version 1 for good), but their delete takes If-Match like the others
    Http.Response silence =
        http.post(
            "/api/v1/alert-silences",
            admin,
            new JsonObject()
                .put("pipeline", "versioned")
                .put("until", Instant.now().plusSeconds(600).toString()));
    assertEquals(201, silence.status(), silence.body());
    assertEquals("\"1\"", silence.header("ETag"));
    assertEquals(1, silence.json().getInteger("version"));
    String silencePath = "/api/v1/alert-silences/" + silence.json().getLong("id");
    assertEquals("\"1\"", http.etag(silencePath, admin));
    Http.Response unsaid = http.delete(silencePath, admin);
    assertEquals(428, unsaid.status(), unsaid.body());
    assertTrue(unsaid.json().getString("detail").contains("a silence"), unsaid.body());
    assertEquals(412, http.delete(silencePath, admin, "\"2\"").status());
    assertEquals(204, http.delete(silencePath, admin, "\"1\"").status());
    assertEquals(404, http.delete(silencePath, admin, "\"1\"").status());
  }

  @Test
  void badRulesAre400AndDeliveriesPage() {
    channel("rules-hook", "/rules");
    for (JsonObject bad :
        List.of(
            new JsonObject()
                .put("name", "r1")
                .put("kind", "SOMETHING")
                .put("channels", new JsonArray().add("rules-hook")),
            new JsonObject()
                .put("name", "r2")
                .put("kind", "RUN_STATE")
                .put("values", new JsonArray().add("BROKEN"))
                .put("channels", new JsonArray().add("rules-hook")),
            new JsonObject()
                .put("name", "r3")
                .put("kind", "VERDICT")
                .put("values", new JsonArray().add("HEALTHY"))
                .put("channels", new JsonArray().add("rules-hook")),
            new JsonObject()
                .put("name", "r4")
                .put("kind", "LAG")
                .put("channels", new JsonArray().add("rules-hook")),
            new JsonObject()
                .put("name", "r5")
                .put("kind", "RUN_STATE")
                .put("values", new JsonArray().add("FAILED"))
                .put("channels", new JsonArray().add("no-such-channel")),
            new JsonObject()
                .put("name", "r6")
                .put("kind", "RUN_STATE")
                .put("values", new JsonArray().add("FAILED"))
                .put("pipeline", "no-such-pipeline")
                .put("channels", new JsonArray().add("rules-hook")),
            new JsonObject()
                .put("name", "r7")
                .put("kind", "RESTARTS")
                .put("restarts", 3)
                .put("channels", new JsonArray().add("rules-hook")))) {
      Http.Response r = http.post("/api/v1/alert-rules", admin, bad);
      assertEquals(400, r.status(), bad.encode() + " → " + r.body());
    }
    assertEquals(400, http.get("/api/v1/alert-deliveries?status=LOST", admin).status());
    JsonObject page = http.get("/api/v1/alert-deliveries?limit=1&offset=0", admin).json();
    assertTrue(page.containsKey("total") && page.getInteger("limit") == 1, page.encode());
    assertEquals(
        404, http.post("/api/v1/alert-deliveries/999999/retry", admin, new JsonObject()).status());
  }
}
