package io.cdcconsole.run;

import static io.cdcconsole.test.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.sandbox.junit.FlinkSandboxExtension;
import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.Http;
import io.cdcconsole.test.TestConsole;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the console does when the cluster goes away, and how much it asks of a cluster while
 * watching (crashes: RunCrashTest).
 */
@ConsoleTest.Env({
  "CDC_CONSOLE_RUN_POLL_INTERVAL=1s",
  "CDC_CONSOLE_RUN_FAST_POLL_INTERVAL=300ms",
  "CDC_CONSOLE_RUN_LOST_GRACE=4s",
  "CDC_CONSOLE_CLUSTER_HEALTH_INTERVAL=1s"
})
class RunResilienceTest extends ConsoleTest {
  @RegisterExtension static final FlinkSandboxExtension FLINK = new FlinkSandboxExtension();

  private static long clusterId;
  private static String operator;

  @BeforeAll
  static void registerSandbox() {
    clusterId =
        http.post("/api/v1/clusters", admin, cluster("sandbox", FLINK.restUrl()))
            .json()
            .getLong("id");
    operator = console.userToken("resilient", "operator");
  }

  @Test
  void manyJobsOnOneClusterCostOneOverviewRequestPerTick() throws Exception {
    Vertx vertx = Vertx.vertx();
    Map<String, Integer> requests = new ConcurrentHashMap<>();
    try {
      WebClient toFlink = WebClient.create(vertx);
      HttpServer proxy =
          vertx
              .createHttpServer()
              .requestHandler(
                  req ->
                      req.body()
                          .onSuccess(
                              body -> {
                                String path = req.path().replaceAll("[0-9a-f]{32}", "{jobId}");
                                requests.merge(req.method() + " " + path, 1, Integer::sum);
                                var forward =
                                    toFlink.requestAbs(req.method(), FLINK.restUrl() + req.uri());
                                req.headers()
                                    .forEach(
                                        (k, v) -> {
                                          if (!k.equalsIgnoreCase("host")) {
                                            forward.putHeader(k, v);
                                          }
                                        });
                                forward
                                    .sendBuffer(body)
                                    .onComplete(
                                        ar -> {
                                          if (ar.failed()) {
                                            req.response().setStatusCode(502).end();
                                          } else {
                                            req.response().setStatusCode(ar.result().statusCode());
                                            ar.result()
                                                .headers()
                                                .forEach(
                                                    (k, v) -> {
                                                      if (!k.equalsIgnoreCase("content-length")
                                                          && !k.equalsIgnoreCase(
                                                              "transfer-encoding")) {
                                                        req.response().putHeader(k, v);
                                                      }
                                                    });
                                            req.response()
                                                .end(
                                                    ar.result().bodyAsBuffer() == null
                                                        ? io.vertx.core.buffer.Buffer.buffer()
                                                        : ar.result().bodyAsBuffer());
                                          }
                                        });
                              }));
      int port = TestConsole.await(proxy.listen(0, "127.0.0.1")).actualPort();
      long counted =
          http.post("/api/v1/clusters", admin, cluster("counted", "http://127.0.0.1:" + port))
              .json()
              .getLong("id");
      int jobs = 4;
      for (int i = 0; i < jobs; i++) {
        pipeline("counted-" + i, counted, SandboxRunTest.keepsRunning("counted-" + i));
        assertEquals(
            202,
            http.post("/api/v1/pipelines/counted-" + i + "/runs", operator, new JsonObject())
                .status());
      }
      for (int i = 0; i < jobs; i++) {
        waitForState("counted-" + i, "RUNNING");
      }
      Thread.sleep(1500); // settle: the fast cadence ends once nothing is changing
      requests.clear();
      long started = System.nanoTime();
      Thread.sleep(6000);
      double seconds = (System.nanoTime() - started) / 1e9;
      int overviews = requests.getOrDefault("GET /jobs/overview", 0);
      int jobDetails = requests.getOrDefault("GET /jobs/{jobId}", 0);
      // one overview per tick for the whole cluster, whatever the number of jobs: never more than
      // the fastest
      // cadence (300 ms) allows. How many ticks a busy machine fits into the window is not
      // asserted.
      assertTrue(
          overviews >= 1 && overviews <= seconds / 0.3 + 2,
          "one overview per tick for the cluster: " + requests);
      assertEquals(0, jobDetails, "never a request per job on a tick: " + requests);
      int checkpointCalls = requests.getOrDefault("GET /jobs/{jobId}/checkpoints", 0);
      assertTrue(
          checkpointCalls <= jobs * (overviews / 6 + 1),
          "checkpoints on a slower cadence: " + requests);
      for (int i = 0; i < jobs; i++) {
        http.post("/api/v1/pipelines/counted-" + i + "/cancel", operator, null);
      }
      for (int i = 0; i < jobs; i++) {
        waitForState("counted-" + i, "CANCELED");
      }
    } finally {
      TestConsole.await(vertx.close());
    }
  }

  @Test
  void anUnreachableClusterLeavesRunsStaleAndAClusterWithoutTheJobMakesItLost() throws Exception {
    pipeline("outage", clusterId, SandboxRunTest.keepsRunning("outage"));
    http.post("/api/v1/pipelines/outage/runs", operator, new JsonObject());
    JsonObject running = waitForState("outage", "RUNNING");
    String location = "/api/v1/runs/" + running.getLong("id");
    try {
      // an outage, not a shutdown: a gracefully stopping Flink fails its jobs first and may report
      // them FAILED
      FLINK.crash();
      eventually(
          () -> {
            JsonObject run = http.get(location, operator).json();
            if (!"RUNNING".equals(run.getString("state"))) {
              throw new AssertionError(
                  "an unreachable cluster changed the run: " + run.encodePrettily());
            }
            return run;
          },
          run -> run.getBoolean("stale"));
      Thread.sleep(
          5000); // longer than the LOST grace: an unreachable cluster never makes a run LOST or
      // FAILED
      JsonObject still = http.get(location, operator).json();
      assertEquals("RUNNING", still.getString("state"));
      assertTrue(still.getBoolean("stale"));
    } finally {
      FLINK.start(); // a new cluster on the same address, without the old job
    }
    JsonObject lost = waitForState("outage", "LOST");
    assertTrue(!lost.getBoolean("stale"));
    assertNotNull(lost.getString("endedAt"));
  }

  private static JsonObject cluster(String name, String url) {
    return new JsonObject()
        .put("name", name)
        .put("restUrl", url)
        .put("cdc", new JsonObject().put("mode", "provided").put("version", "3.2.0"));
  }

  private static long pipeline(String name, long cluster, String yaml) {
    Http.Response created =
        http.post(
            "/api/v1/pipelines",
            operator,
            new JsonObject().put("name", name).put("clusterId", cluster).put("yaml", yaml));
    assertEquals(201, created.status(), created.body());
    return created.json().getLong("id");
  }

  private static JsonObject waitForState(String pipeline, String state) throws Exception {
    return eventually(
        () -> {
          JsonArray runs = http.get("/api/v1/pipelines/" + pipeline + "/runs", operator).items();
          return runs == null || runs.isEmpty()
              ? null
              : http.get("/api/v1/runs/" + runs.getJsonObject(0).getLong("id"), operator).json();
        },
        run -> run != null && state.equals(run.getString("state")));
  }
}
