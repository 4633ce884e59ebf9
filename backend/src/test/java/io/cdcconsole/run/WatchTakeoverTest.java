package io.cdcconsole.run;

import static io.cdcconsole.test.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.cluster.ClusterLease;
import io.cdcconsole.sandbox.junit.FlinkSandboxExtension;
import io.cdcconsole.test.Http;
import io.cdcconsole.test.TestConsole;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
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
 * Three consoles on one database (issue 13) share the watching of four clusters under leases: each
 * cluster is watched by exactly one of them, none more than its share (two). The console watching
 * the sandbox's cluster dies (its Vert.x closed: no stop, its leases left to run out); the others
 * take its clusters over within two leases, and a change Flink makes to a job after the death (a
 * cancel sent to Flink directly) is recorded, once. What the dead console would still write under
 * its old lease is refused.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WatchTakeoverTest {
  @RegisterExtension static final FlinkSandboxExtension FLINK = new FlinkSandboxExtension();

  private static final Duration LEASE = Duration.ofSeconds(2);

  private static final List<String> NAMES = List.of("a", "b", "c");

  private static final Map<String, Vertx> vertxes = new HashMap<>();
  private static final Map<String, TestConsole> consoles = new HashMap<>();
  private static String admin;
  private static long sandboxId;

  @BeforeAll
  static void start() throws Exception {
    Map<String, String> env = TestConsole.defaultEnv();
    env.put("CDC_CONSOLE_RUN_POLL_INTERVAL", "1s");
    env.put("CDC_CONSOLE_RUN_FAST_POLL_INTERVAL", "300ms");
    env.put("CDC_CONSOLE_CLUSTER_LEASE", LEASE.toSeconds() + "s");
    env.put("CDC_CONSOLE_RUN_LEASE", "3s");
    for (String name : NAMES) {
      Vertx vertx = Vertx.vertx();
      vertxes.put(name, vertx);
      consoles.put(
          name, TestConsole.start(vertx, name.equals("a") ? env : TestConsole.replicaEnv(env)));
    }
    TestConsole a = consoles.get("a");
    admin = a.adminToken();
    sandboxId = cluster(a, "watched-sandbox", FLINK.restUrl());
    for (int i = 1; i <= 3; i++) {
      try (ServerSocket closed = new ServerSocket(0)) {
        cluster(a, "watched-nowhere-" + i, "http://127.0.0.1:" + closed.getLocalPort());
      }
    }
    Http.Response p =
        a.http()
            .post(
                "/api/v1/pipelines",
                admin,
                new JsonObject()
                    .put("name", "watched")
                    .put("clusterId", sandboxId)
                    .put("yaml", SandboxRunTest.keepsRunning("watched")));
    assertEquals(201, p.status(), p.body());
  }

  private static long cluster(TestConsole c, String name, String url) {
    Http.Response r =
        c.http()
            .post(
                "/api/v1/clusters",
                admin,
                new JsonObject()
                    .put("name", name)
                    .put("restUrl", url)
                    .put("cdc", new JsonObject().put("mode", "provided").put("version", "3.2.0")));
    assertEquals(201, r.status(), r.body());
    return r.json().getLong("id");
  }

  @AfterAll
  static void stop() throws Exception {
    for (String name : NAMES) {
      TestConsole c = consoles.get(name);
      try {
        if (c != null && vertxes.get(name) != null) {
          c.close();
        }
      } catch (RuntimeException alreadyDead) {
        // its Vert.x was closed by the test
      } finally {
        TestConsole.await(vertxes.get(name).close());
      }
    }
  }

  @Test
  @Order(1)
  void everyClusterIsWatchedByExactlyOneConsoleNoneAboveItsShare() throws Exception {
    // four clusters, three consoles: a share is two (rounded up); the map holds one holder per
    // cluster
    Map<Long, Row> leases =
        eventually(
            WatchTakeoverTest::leases,
            l -> l.size() == 4 && perConsole(l).values().stream().allMatch(n -> n <= 2));
    java.util.Set<String> replicas = new java.util.HashSet<>();
    NAMES.forEach(name -> replicas.add(consoles.get(name).app().replica()));
    assertTrue(
        replicas.containsAll(perConsole(leases).keySet()), "held by the consoles: " + leases);
    assertTrue(perConsole(leases).size() >= 2, "shared: " + perConsole(leases));
  }

  private static Map<String, Long> perConsole(Map<Long, Row> leases) {
    Map<String, Long> out = new HashMap<>();
    leases.values().forEach(r -> out.merge(r.getString("claimed_by"), 1L, Long::sum));
    return out;
  }

  @Test
  @Order(2)
  void theClustersOfAConsoleThatDiedAreWatchedByTheOthersAndNoChangeIsMissed() throws Exception {
    TestConsole any = consoles.get("a");
    Http.Response started =
        any.http().post("/api/v1/pipelines/watched/runs", admin, new JsonObject());
    assertEquals(202, started.status(), started.body());
    String location = started.header("Location");
    long runId = started.json().getLong("id");
    String jobId = waitForState(any, location, "RUNNING").getString("jobId");

    Row before = leases().get(sandboxId);
    String holder = before.getString("claimed_by");
    long fencing = before.getLong("fencing");
    String deadName = holderName(holder);
    String survivorName = NAMES.stream().filter(n -> !n.equals(deadName)).findFirst().orElseThrow();
    TestConsole survivor = consoles.get(survivorName);
    TestConsole.await(vertxes.get(deadName).close());
    consoles.remove(deadName);
    long died = System.nanoTime();

    Map<Long, Row> after =
        eventually(
            WatchTakeoverTest::leases,
            l ->
                l.size() == 4
                    && l.values().stream()
                        .allMatch(r -> !r.getString("claimed_by").equals(holder)));
    long tookOverMs = Duration.ofNanos(System.nanoTime() - died).toMillis();
    System.out.println(
        "WATCH TAKEOVER after " + tookOverMs + " ms (lease " + LEASE.toMillis() + " ms)");
    assertTrue(
        after.get(sandboxId).getLong("fencing") > fencing, "a take-over bumps the fencing value");

    // Flink cancels the job after the death: the survivor records it, once
    HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(FLINK.restUrl() + "/jobs/" + jobId + "?mode=cancel"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    JsonObject canceled = waitForState(survivor, location, "CANCELED");
    List<String> to =
        canceled.getJsonArray("transitions").stream()
            .map(t -> ((JsonObject) t).getString("to"))
            .toList();
    assertEquals(
        List.of("SUBMITTING", "INITIALIZING", "RUNNING", "CANCELED"),
        to,
        canceled.encodePrettily());

    // the dead console's lease no longer lets anything be written
    RunStore store = new RunStore(pool(survivor));
    ClusterLease old = new ClusterLease(sandboxId, holder, fencing);
    assertNull(
        TestConsole.await(store.looked(sandboxId, old, List.of())).at(),
        "a look under a lost lease");
    JsonObject untouched = runRow(pool(survivor), runId);
    RunStore.Look late =
        TestConsole.await(
            store.looked(sandboxId, old, List.of(new RunStore.Seen(runId, "RESTARTING", true))));
    assertNull(late.at(), "a look with a change under a lost lease");
    assertEquals(List.of(), late.changed());
    assertEquals(untouched, runRow(pool(survivor), runId), "the late look changed no run");
    assertEquals(List.of(), TestConsole.await(store.markStale(sandboxId, old, true)));
    assertTrue(
        TestConsole.await(
                store.transition(
                    runId,
                    RunState.CANCELED,
                    RunState.FAILED,
                    "flink",
                    "late",
                    null,
                    null,
                    old,
                    null))
            .isEmpty(),
        "a move under a lost lease");
  }

  private static JsonObject runRow(Pool pool, long runId) throws Exception {
    return TestConsole.await(
            pool.preparedQuery(
                    "select flink_state, missing_since, stale from pipeline_run where id = $1")
                .execute(io.vertx.sqlclient.Tuple.of(runId)))
        .iterator()
        .next()
        .toJson();
  }

  private static String holderName(String holder) {
    for (String name : NAMES) {
      if (consoles.get(name).app().replica().equals(holder)) {
        return name;
      }
    }
    throw new AssertionError("no console holds " + holder);
  }

  private static Map<Long, Row> leases() throws Exception {
    Map<Long, Row> out = new HashMap<>();
    TestConsole alive = consoles.values().iterator().next();
    for (Row r :
        TestConsole.await(
            pool(alive)
                .query(
                    "select cluster_id, claimed_by, fencing from cluster_lease where lease_until > now()")
                .execute())) {
      out.put(r.getLong("cluster_id"), r);
    }
    return out;
  }

  private static Pool pool(TestConsole c) {
    return c.app().database().pool();
  }

  private static JsonObject waitForState(TestConsole c, String location, String state)
      throws Exception {
    return eventually(
        () -> c.http().get(location, admin).json(), run -> state.equals(run.getString("state")));
  }
}
