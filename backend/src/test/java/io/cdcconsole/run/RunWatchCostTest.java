package io.cdcconsole.run;

import static io.cdcconsole.test.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.sandbox.junit.FlinkSandboxExtension;
import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.HoldingProxy;
import io.cdcconsole.test.Http;
import io.cdcconsole.test.TestConsole;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What watching costs: the real sandbox behind a proxy that logs every request the console sends
 * it, and the real database. With runs RUNNING and nothing changing, polls write no run rows,
 * transitions or ledger entries (only the cluster's last-seen row), while the API's lastSeenAt
 * still moves; a job's checkpoints are read on their own cadence (default once a minute), not every
 * few polls; a cancel reads the job's checkpoints before it is sent; the cluster's definition is
 * not read at every poll, yet an edit of it moves the watching at once.
 */
// the health sampler reads /checkpoints too, on a cadence of its own (docs/health.md): kept out of
// this count
@ConsoleTest.Env({
  "CDC_CONSOLE_RUN_POLL_INTERVAL=1s",
  "CDC_CONSOLE_RUN_FAST_POLL_INTERVAL=300ms",
  "CDC_CONSOLE_RUN_LOST_GRACE=5s",
  "CDC_CONSOLE_CLUSTER_HEALTH_INTERVAL=2s",
  "CDC_CONSOLE_RUN_METRICS_INTERVAL=1h"
})
class RunWatchCostTest extends SandboxRunTest {
  @RegisterExtension static final FlinkSandboxExtension FLINK = new FlinkSandboxExtension();

  /** Notes every request the console sends the cluster. */
  private static HoldingProxy proxy;

  private static long proxied;

  @Override
  protected FlinkSandboxExtension flink() {
    return FLINK;
  }

  @BeforeAll
  static void startProxy() throws Exception {
    proxy = new HoldingProxy(FLINK.restUrl());
    proxied = registeredCluster("watched", proxy.url());
  }

  @AfterAll
  static void closeProxy() throws Exception {
    proxy.close();
  }

  private String startOnProxy(String name) {
    return startOn(proxied, name);
  }

  private String startOn(long clusterId, String name) {
    Http.Response created =
        http.post(
            "/api/v1/pipelines",
            operator,
            new JsonObject()
                .put("name", name)
                .put("clusterId", clusterId)
                .put("yaml", keepsRunning(name)));
    assertEquals(201, created.status(), created.body());
    Http.Response started =
        http.post("/api/v1/pipelines/" + name + "/runs", operator, new JsonObject());
    assertEquals(202, started.status(), started.body());
    return started.header("Location");
  }

  private static long count(String request) {
    return proxy.count(request);
  }

  /** Waits until the console has looked at the cluster {@code polls} more times. */
  private static void polls(int polls) throws Exception {
    long until = count("GET /jobs/overview") + polls;
    eventually(() -> count("GET /jobs/overview"), n -> n >= until);
  }

  /**
   * Every version of the runs' rows (xmin changes with each update) and the number of transitions
   * and ledger rows.
   */
  private static List<String> rowVersions(List<Long> runIds) throws Exception {
    var pool = console.app().database().pool();
    Long[] ids = runIds.toArray(Long[]::new);
    List<String> out = new ArrayList<>();
    for (Row r :
        TestConsole.await(
            pool.preparedQuery(
                    "select id, xmin::text as v from pipeline_run "
                        + "where id = any($1) order by id")
                .execute(Tuple.of(ids)))) {
      out.add("run " + r.getLong("id") + " " + r.getString("v"));
    }
    out.add(
        "transitions "
            + TestConsole.await(
                    pool.preparedQuery(
                            "select count(*) from run_transition " + "where run_id = any($1)")
                        .execute(Tuple.of(ids)))
                .iterator()
                .next()
                .getLong(0));
    out.add(
        "ledger "
            + TestConsole.await(
                    pool.preparedQuery("select count(*) from savepoint where run_id = any($1)")
                        .execute(Tuple.of(ids)))
                .iterator()
                .next()
                .getLong(0));
    return out;
  }

  @Test
  void pollsWithNothingChangedWriteNoRunAndReadNoCheckpoints() throws Exception {
    List<String> locations = List.of(startOnProxy("quiet-one"), startOnProxy("quiet-two"));
    List<Long> ids = new ArrayList<>();
    List<String> jobIds = new ArrayList<>();
    for (String location : locations) {
      JsonObject run = waitForState(location, "RUNNING");
      ids.add(run.getLong("id"));
      jobIds.add(run.getString("jobId"));
    }
    polls(2); // the look that saw RUNNING and its transition are written
    // and the savepoint timer has given each RUNNING run its turn ('infinity': no schedule), once
    var pool = console.app().database().pool();
    eventually(
        () ->
            TestConsole.await(
                    pool.preparedQuery(
                            "select count(*) from pipeline_run where id = any($1) "
                                + "and next_savepoint_at is null")
                        .execute(Tuple.of((Object) ids.toArray(Long[]::new))))
                .iterator()
                .next()
                .getLong(0),
        n -> n == 0);
    Instant seenBefore =
        Instant.parse(http.get(locations.get(0), operator).json().getString("lastSeenAt"));
    List<String> before = rowVersions(ids);
    long checkpointReads =
        jobIds.stream().mapToLong(j -> count("GET /jobs/" + j + "/checkpoints")).sum();

    polls(12);

    assertEquals(
        before,
        rowVersions(ids),
        "a poll in which nothing changed wrote to a run, a transition or the ledger");
    JsonObject run = http.get(locations.get(0), operator).json();
    assertEquals("RUNNING", run.getString("state"));
    assertFalse(run.getBoolean("stale"));
    assertTrue(
        Instant.parse(run.getString("lastSeenAt")).isAfter(seenBefore),
        "lastSeenAt follows the cluster's last look: " + run.encode());
    // 12 polls of 1 s against a checkpoint cadence of a minute: each job's checkpoints read at most
    // once (before:
    // every 6th poll, twice per job)
    long read =
        jobIds.stream().mapToLong(j -> count("GET /jobs/" + j + "/checkpoints")).sum()
            - checkpointReads;
    assertTrue(
        read <= jobIds.size(),
        read + " checkpoint reads of " + jobIds.size() + " jobs over 12 polls");
  }

  @Test
  void aCancelReadsTheCheckpointsBeforeItIsSent() throws Exception {
    String location = startOnProxy("cancelled-one");
    String jobId = waitForState(location, "RUNNING").getString("jobId");
    int from = proxy.sent().size();

    assertEquals(202, http.post("/api/v1/pipelines/cancelled-one/cancel", operator, null).status());
    waitForState(location, "CANCELED");

    List<HoldingProxy.Sent> sent = proxy.sent();
    List<String> after =
        sent.subList(from, sent.size()).stream().map(HoldingProxy.Sent::toString).toList();
    int read = after.indexOf("GET /jobs/" + jobId + "/checkpoints");
    int cancel = after.indexOf("PATCH /jobs/" + jobId);
    assertTrue(cancel >= 0, "no cancel sent: " + after);
    assertTrue(
        read >= 0 && read < cancel, "the checkpoints were not read before the cancel: " + after);
  }

  @Test
  void anEditedClusterIsWatchedAtItsNewAddressAtOnceAndNeverMarkedStale() throws Exception {
    try (HoldingProxy from = new HoldingProxy(FLINK.restUrl());
        HoldingProxy to = new HoldingProxy(FLINK.restUrl())) {
      long moving = registeredCluster("moving", from.url());
      String location = startOn(moving, "moves-along");
      long runId = waitForState(location, "RUNNING").getLong("id");
      List<JsonObject> staleMarks = new java.util.concurrent.CopyOnWriteArrayList<>();
      var marks =
          console
              .app()
              .vertx()
              .eventBus()
              .<JsonObject>consumer(
                  RunEvents.STALE_ADDRESS,
                  m -> {
                    if (m.body().getLong("runId") == runId) {
                      staleMarks.add(m.body());
                    }
                  });
      TestConsole.await(marks.completion());
      try {
        Http.Response read = http.get("/api/v1/clusters/" + moving, admin);
        Http.Response put =
            http.put(
                "/api/v1/clusters/" + moving,
                admin,
                read.json().put("restUrl", to.url()),
                read.header("ETag"));
        assertEquals(200, put.status(), put.body());
        // the next looks go to the new address (polls of 1 s: not after the minute in which the
        // cluster is read again anyway), the old one hears no more of them
        eventually(Duration.ofSeconds(20), () -> to.count("GET /jobs/overview"), n -> n >= 3);
        long atOld = from.count("GET /jobs/overview");
        long atNew = to.count("GET /jobs/overview");
        eventually(() -> to.count("GET /jobs/overview"), n -> n >= atNew + 3);
        assertEquals(
            atOld, from.count("GET /jobs/overview"), "looks still sent to the old address");
        JsonObject run = http.get(location, operator).json();
        assertEquals("RUNNING", run.getString("state"));
        assertEquals(List.of(), staleMarks, "the move marked the run stale: " + run.encode());
      } finally {
        TestConsole.await(marks.unregister());
        assertEquals(
            202, http.post("/api/v1/pipelines/moves-along/cancel", operator, null).status());
        waitForState(location, "CANCELED");
      }
    }
  }
}
