package io.cdcconsole.run;

import static io.cdcconsole.test.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.sandbox.junit.FlinkSandboxExtension;
import io.cdcconsole.test.HoldingProxy;
import io.cdcconsole.test.Http;
import io.cdcconsole.test.TestConsole;
import io.cdcconsole.test.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The console process is killed (SIGKILL) at the two moments that matter — after the run row is
 * written but before Flink got the job, and right after Flink accepted it — and started again: each
 * time exactly one job exists on Flink for the run, and it is tracked. A proxy between the console
 * and the real sandbox holds the console's calls at those moments, so no hook in the console is
 * needed. The killed console's claims are taken up by the restarted one's reconciler once their
 * lease (shortened here) has run out.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RunCrashTest {
  @RegisterExtension static final FlinkSandboxExtension FLINK = new FlinkSandboxExtension();

  private static Vertx vertx;
  private static HoldingProxy proxy;
  private static Map<String, String> env;
  private static Process console;
  private static Http http;
  private static String admin;

  private static final BiPredicate<HttpMethod, String> JARS = (m, p) -> p.startsWith("/jars");
  private static final BiPredicate<HttpMethod, String> RUN = (m, p) -> p.matches("/jars/[^/]+/run");
  private static final BiPredicate<HttpMethod, String> SAVEPOINT =
      (m, p) -> m == HttpMethod.POST && p.matches("/jobs/[^/]+/savepoints");

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    proxy = new HoldingProxy(vertx, FLINK.restUrl());
    TestDatabase.Db db = TestDatabase.create();
    env = new HashMap<>(TestConsole.embeddedEnv(TestConsole.newHome()));
    env.put("CDC_CONSOLE_DB_URL", db.url());
    env.put("CDC_CONSOLE_DB_USER", db.user());
    env.put("CDC_CONSOLE_DB_PASSWORD", db.password());
    env.put("CDC_CONSOLE_HTTP_PORT", Integer.toString(freePort()));
    env.put("CDC_CONSOLE_RUN_POLL_INTERVAL", "1s");
    env.put("CDC_CONSOLE_RUN_FAST_POLL_INTERVAL", "300ms");
    env.put("CDC_CONSOLE_RUN_LEASE", "3s");
    env.put("CDC_CONSOLE_CLUSTER_LEASE", "3s");
    startConsole();
    admin = http.login("admin", TestConsole.ADMIN_PASSWORD);
    Http.Response cluster =
        http.post(
            "/api/v1/clusters",
            admin,
            new JsonObject()
                .put("name", "behind-proxy")
                .put("restUrl", proxy.url())
                .put("cdc", new JsonObject().put("version", "3.2.0")));
    assertEquals(201, cluster.status(), cluster.body());
    for (String name :
        new String[] {"crash-before-flink", "crash-after-flink", "crash-savepoint"}) {
      Http.Response p =
          http.post(
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
    if (console != null) {
      console.destroy();
      console.waitFor(30, TimeUnit.SECONDS);
      console.destroyForcibly();
    }
    proxy.close();
    TestConsole.await(vertx.close());
  }

  @Test
  @Order(1)
  void killedAfterTheRowIsWrittenButBeforeFlinkIsCalled() throws Exception {
    proxy.holdRequests(JARS);
    JsonObject run =
        http.post("/api/v1/pipelines/crash-before-flink/runs", admin, new JsonObject()).json();
    proxy.awaitHeld();
    kill();
    assertTrue(jobsNamed("crash-before-flink").isEmpty(), "Flink never got the job");

    proxy.forward();
    startConsole();
    JsonObject running = waitForState(run.getLong("id"), "RUNNING");
    assertEquals(run.getString("jobId"), running.getString("jobId"));
    assertEquals(1, jobsNamed("crash-before-flink").size(), "exactly one job on Flink");
    http.post("/api/v1/pipelines/crash-before-flink/cancel", admin, null);
    waitForState(run.getLong("id"), "CANCELED");
  }

  @Test
  @Order(2)
  void killedRightAfterFlinkAcceptedTheJob() throws Exception {
    proxy.holdAnswers(RUN);
    JsonObject run =
        http.post("/api/v1/pipelines/crash-after-flink/runs", admin, new JsonObject()).json();
    eventually(() -> jobsNamed("crash-after-flink"), jobs -> !jobs.isEmpty());
    proxy.awaitHeld();
    kill();
    assertEquals(
        1, jobsNamed("crash-after-flink").size(), "Flink accepted the job before the kill");

    proxy.forward();
    startConsole();
    JsonObject tracked = waitForState(run.getLong("id"), "RUNNING");
    assertEquals(run.getString("jobId"), tracked.getString("jobId"));
    assertTrue(
        tracked.getJsonArray("transitions").stream()
            .anyMatch(t -> "reconcile".equals(((JsonObject) t).getString("source"))),
        tracked.encodePrettily());
    assertEquals(1, jobsNamed("crash-after-flink").size(), "still exactly one job on Flink");
    http.post("/api/v1/pipelines/crash-after-flink/cancel", admin, null);
    waitForState(run.getLong("id"), "CANCELED");
  }

  /**
   * Savepoint triggers carry a trigger id of the console's own, recorded before Flink is asked: a
   * savepoint whose answer a crash swallowed still reaches the ledger, and a trigger that never
   * reached Flink is sent again after the restart, as the same operation. Last: a completed
   * savepoint changes the values source for later jobs.
   */
  @Test
  @Order(3)
  void killedAroundASavepointTriggerNeitherLosesNorDoublesTheSavepoint() throws Exception {
    proxy.forward();
    JsonObject run =
        http.post("/api/v1/pipelines/crash-savepoint/runs", admin, new JsonObject()).json();
    waitForState(run.getLong("id"), "RUNNING");
    String jobId = run.getString("jobId");
    eventually(
        () -> flinkJson("/jobs/" + jobId).getJsonArray("vertices", new JsonArray()),
        vertices ->
            !vertices.isEmpty()
                && vertices.stream()
                    .allMatch(v -> "RUNNING".equals(((JsonObject) v).getString("status"))));

    // Flink takes the savepoint, the console never hears the answer
    proxy.holdAnswers(SAVEPOINT);
    triggerInTheBackground();
    eventually(() -> flinkSavepoints(jobId), paths -> paths.size() == 1);
    proxy.awaitHeld();
    kill();
    proxy.forward();
    startConsole();
    JsonObject ledger =
        eventually(
            () -> http.get("/api/v1/pipelines/crash-savepoint/savepoints", admin).json(),
            l -> !l.getJsonArray("items").isEmpty());
    assertEquals(1, ledger.getJsonArray("items").size(), ledger.encodePrettily());
    assertEquals(
        flinkSavepoints(jobId),
        List.of(ledger.getJsonArray("items").getJsonObject(0).getString("path")));

    // the trigger never reaches Flink: after the restart the console sends it, once
    proxy.holdRequests(SAVEPOINT);
    triggerInTheBackground();
    proxy.awaitHeld();
    kill();
    assertEquals(1, flinkSavepoints(jobId).size(), "Flink never got the second trigger");
    proxy.forward();
    startConsole();
    ledger =
        eventually(
            () -> http.get("/api/v1/pipelines/crash-savepoint/savepoints", admin).json(),
            l -> l.getJsonArray("items").size() >= 2);
    assertEquals(2, ledger.getJsonArray("items").size(), ledger.encodePrettily());
    // Flink's checkpoint statistics are cached (rest.cache.checkpoint-statistics.timeout): the
    // console may record the savepoint before Flink's history lists it
    assertEquals(
        2,
        eventually(() -> flinkSavepoints(jobId), paths -> paths.size() >= 2).size(),
        "one savepoint per trigger");
    JsonObject details = http.get("/api/v1/runs/" + run.getLong("id"), admin).json();
    assertEquals(
        "COMPLETED",
        details.getJsonObject("operation").getString("status"),
        details.encodePrettily());
  }

  /**
   * The API call waits for Flink's answer, which the proxy holds: its caller is left waiting, as
   * the console dies.
   */
  private static void triggerInTheBackground() {
    Http client = http;
    Thread caller =
        new Thread(
            () -> {
              try {
                client.post("/api/v1/pipelines/crash-savepoint/savepoints", admin, null);
              } catch (IllegalStateException killed) {
                // the console was killed while it waited
              }
            });
    caller.setDaemon(true);
    caller.start();
  }

  /** Paths of the savepoints Flink completed for the job (its checkpoint history), oldest first. */
  private static List<String> flinkSavepoints(String jobId) throws Exception {
    List<String> paths = new ArrayList<>();
    for (Object c :
        flinkJson("/jobs/" + jobId + "/checkpoints").getJsonArray("history", new JsonArray())) {
      JsonObject checkpoint = (JsonObject) c;
      if (checkpoint.getBoolean("is_savepoint", false)
          && "COMPLETED".equals(checkpoint.getString("status"))) {
        paths.add(0, checkpoint.getString("external_path"));
      }
    }
    return paths;
  }

  private static JsonObject flinkJson(String path) throws Exception {
    return new JsonObject(
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(FLINK.restUrl() + path)).build(),
                HttpResponse.BodyHandlers.ofString())
            .body());
  }

  /** SIGKILL: no shutdown hook, no clean close — as a crash or an OOM kill. */
  private static void kill() throws Exception {
    console.destroyForcibly();
    assertTrue(console.waitFor(30, TimeUnit.SECONDS));
    console = null;
  }

  private static void startConsole() throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "io.cdcconsole.Main"));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.startsWith("CDC_CONSOLE_"));
    pb.environment().putAll(env);
    Path log = Path.of(env.get("CDC_CONSOLE_HOME"), "console.log");
    pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    console = pb.start();
    http = new Http(Integer.parseInt(env.get("CDC_CONSOLE_HTTP_PORT")));
    try {
      eventually(
          () -> {
            try {
              return http.get("/ready", null).status();
            } catch (IllegalStateException notYet) {
              return 0; // not listening yet
            }
          },
          status -> status == 200);
    } catch (AssertionError e) {
      throw new AssertionError("the console did not become ready: " + Files.readString(log), e);
    }
  }

  private static JsonObject waitForState(long runId, String state) throws Exception {
    return eventually(
        () -> http.get("/api/v1/runs/" + runId, admin).json(),
        run -> state.equals(run.getString("state")));
  }

  private static List<JsonObject> jobsNamed(String name) throws Exception {
    String body =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(FLINK.restUrl() + "/jobs/overview")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    List<JsonObject> out = new ArrayList<>();
    for (Object j : new JsonObject(body).getJsonArray("jobs", new JsonArray())) {
      if (name.equals(((JsonObject) j).getString("name"))) {
        out.add((JsonObject) j);
      }
    }
    return out;
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
