package io.cdcconsole.run;

import static io.cdcconsole.test.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.sandbox.junit.FlinkSandboxExtension;
import io.cdcconsole.test.HoldingProxy;
import io.cdcconsole.test.Http;
import io.cdcconsole.test.TestConsole;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two consoles on one database (issue 8 §3): console A starts work — a submission, a stop with
 * savepoint — and dies in the middle of it (its Vert.x closed: no clean stop, its claims left as
 * they were). Console B's reconciler takes the work up from what is stored once A's lease has run
 * out, and finishes it: exactly one job on Flink, the operation COMPLETED once, its savepoint in
 * the ledger once. A proxy between both consoles and the real sandbox holds A's call at the moment
 * that matters. The submission comes first: a completed savepoint changes the values source for
 * later jobs on the same sandbox.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RunTakeoverTest {
  @RegisterExtension static final FlinkSandboxExtension FLINK = new FlinkSandboxExtension();

  private static Vertx proxyVertx;
  private static HoldingProxy proxy;
  private static Map<String, String> envA;
  private static Vertx vertxB;
  private static TestConsole b;
  private static String admin;

  @BeforeAll
  static void start() throws Exception {
    proxyVertx = Vertx.vertx();
    proxy = new HoldingProxy(proxyVertx, FLINK.restUrl());
    envA = TestConsole.defaultEnv();
    envA.put("CDC_CONSOLE_RUN_POLL_INTERVAL", "1s");
    envA.put("CDC_CONSOLE_RUN_FAST_POLL_INTERVAL", "300ms");
    envA.put("CDC_CONSOLE_RUN_LEASE", "3s");
    envA.put("CDC_CONSOLE_CLUSTER_LEASE", "3s");
    vertxB = Vertx.vertx();
    b = TestConsole.start(vertxB, TestConsole.replicaEnv(envA));
    admin = b.adminToken();
    Http.Response cluster =
        b.http()
            .post(
                "/api/v1/clusters",
                admin,
                new JsonObject()
                    .put("name", "behind-proxy")
                    .put("restUrl", proxy.url())
                    .put("cdc", new JsonObject().put("mode", "provided").put("version", "3.2.0")));
    assertEquals(201, cluster.status(), cluster.body());
    for (String name : new String[] {"takeover-start", "takeover-stop"}) {
      Http.Response p =
          b.http()
              .post(
                  "/api/v1/pipelines",
                  admin,
                  new JsonObject()
                      .put("name", name)
                      .put("clusterId", cluster.json().getLong("id"))
                      .put("yaml", SandboxRunTest.keepsRunning(name)));
      assertEquals(201, p.status(), p.body());
    }
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (b != null) {
        b.close();
      }
    } finally {
      TestConsole.await(vertxB.close());
      proxy.close();
      TestConsole.await(proxyVertx.close());
    }
  }

  @Test
  @Order(1)
  void aStartWhoseConsoleDiesBeforeFlinkHasTheJobIsSubmittedOnceByTheOther() throws Exception {
    Vertx vertxA = Vertx.vertx();
    TestConsole a = TestConsole.start(vertxA, envA);
    proxy.holdRequests((method, path) -> path.startsWith("/jars"));
    Http.Response started =
        a.http().post("/api/v1/pipelines/takeover-start/runs", admin, new JsonObject());
    assertEquals(202, started.status(), started.body());
    String location = started.header("Location");
    proxy.awaitHeld(); // A writes the run, claims it, and is held uploading the launcher
    die(vertxA);
    assertTrue(jobsNamed("takeover-start").isEmpty(), "Flink never got the job from A");

    proxy.forward();
    JsonObject running = waitForState(location, "RUNNING");
    assertEquals(started.json().getString("jobId"), running.getString("jobId"), "the same JobID");
    assertEquals(1, jobsNamed("takeover-start").size(), "exactly one job on Flink");
    assertEquals(
        1,
        running.getJsonArray("transitions").stream()
            .filter(t -> "INITIALIZING".equals(((JsonObject) t).getString("to")))
            .count(),
        running.encodePrettily());
    Row claim =
        row(
            "select claimed_by, lease_until from pipeline_run where id = $1",
            running.getLong("id"));
    assertEquals(null, claim.getString("claimed_by"), "a run that left SUBMITTING is nobody's");

    assertEquals(
        202, b.http().post("/api/v1/pipelines/takeover-start/cancel", admin, null).status());
    waitForState(location, "CANCELED");
  }

  @Test
  @Order(2)
  void aStopWhoseConsoleDiesIsCompletedOnceByTheOther() throws Exception {
    Http.Response started =
        b.http().post("/api/v1/pipelines/takeover-stop/runs", admin, new JsonObject());
    assertEquals(202, started.status(), started.body());
    String location = started.header("Location");
    String jobId = waitForState(location, "RUNNING").getString("jobId");
    eventually(
        () -> flink("/jobs/" + jobId).getJsonArray("vertices", new JsonArray()),
        vertices ->
            !vertices.isEmpty()
                && vertices.stream()
                    .allMatch(v -> "RUNNING".equals(((JsonObject) v).getString("status"))));

    Vertx vertxA = Vertx.vertx();
    TestConsole a = TestConsole.start(vertxA, envA);
    // Flink gets A's stop and takes the savepoint; A never hears that it did
    proxy.holdAnswers(
        (method, path) -> method == HttpMethod.POST && path.equals("/jobs/" + jobId + "/stop"));
    Thread caller =
        new Thread(
            () -> {
              try {
                a.http()
                    .post(
                        "/api/v1/pipelines/takeover-stop/stop",
                        admin,
                        new JsonObject().put("savepoint", true));
              } catch (RuntimeException dead) {
                // A died while its caller waited
              }
            });
    caller.setDaemon(true);
    caller.start();
    proxy.awaitHeld();
    die(vertxA);
    proxy.forward();

    JsonObject stopped = waitForState(location, "STOPPED");
    JsonObject operation = stopped.getJsonObject("operation");
    assertEquals("COMPLETED", operation.getString("status"), stopped.encodePrettily());
    String path = operation.getString("location");
    assertNotNull(path, stopped.encodePrettily());
    JsonArray ledger =
        b.http()
            .get("/api/v1/pipelines/takeover-stop/savepoints", admin)
            .json()
            .getJsonArray("items");
    assertEquals(1, ledger.size(), ledger.encodePrettily());
    assertEquals(path, ledger.getJsonObject(0).getString("path"));
    assertEquals("stop", ledger.getJsonObject(0).getString("source"));

    Row op =
        row(
            "select count(*) as n, min(status) as status, max(fencing) as fencing, "
                + "bool_and(claimed_by is null) as released from run_operation where run_id = $1",
            stopped.getLong("id"));
    assertEquals(1, op.getLong("n"), "one operation, written by A before Flink was asked");
    assertEquals("COMPLETED", op.getString("status"));
    assertTrue(op.getLong("fencing") >= 2, "completed under a claim taken over from A");
    assertTrue(op.getBoolean("released"));
    assertEquals(1, jobsNamed("takeover-stop").size(), "exactly one job on Flink");
  }

  /** The console's process dies: its Vert.x goes, without the console's stop (claims stay). */
  private static void die(Vertx vertx) throws Exception {
    TestConsole.await(vertx.close());
  }

  private static JsonObject waitForState(String location, String state) throws Exception {
    return eventually(
        () -> b.http().get(location, admin).json(), run -> state.equals(run.getString("state")));
  }

  private static Row row(String sql, long id) throws Exception {
    return TestConsole.await(b.app().database().pool().preparedQuery(sql).execute(Tuple.of(id)))
        .iterator()
        .next();
  }

  private static JsonObject flink(String path) throws Exception {
    return new JsonObject(
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(FLINK.restUrl() + path)).build(),
                HttpResponse.BodyHandlers.ofString())
            .body());
  }

  private static List<JsonObject> jobsNamed(String name) throws Exception {
    List<JsonObject> out = new ArrayList<>();
    for (Object j : flink("/jobs/overview").getJsonArray("jobs", new JsonArray())) {
      if (name.equals(((JsonObject) j).getString("name"))) {
        out.add((JsonObject) j);
      }
    }
    return out;
  }
}
