package io.cdcconsole.store;

import static io.cdcconsole.test.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.cluster.ClusterHealthWatcher;
import io.cdcconsole.pipeline.PipelineStore;
import io.cdcconsole.run.RunEvents;
import io.cdcconsole.run.SandboxRunTest;
import io.cdcconsole.sandbox.junit.FlinkSandboxExtension;
import io.cdcconsole.test.Http;
import io.cdcconsole.test.Sse;
import io.cdcconsole.test.TestConsole;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two consoles on one database (issue 13): what replica A records reaches replica B through
 * PostgreSQL {@code LISTEN/NOTIFY} ({@link EventFanout}). B runs on a Vert.x of its own (one event
 * bus shared by both would deliver everything without the fan-out) and watches nothing itself: its
 * run poll and cluster probe intervals are longer than this class runs, so every transition and
 * health change it hears was recorded by A; and its principal cache keeps entries for ten minutes,
 * so a refusal within the test's patience comes from A's change reaching it.
 */
@Timeout(300)
class ReplicaEventsTest extends SandboxRunTest {
  @RegisterExtension static final FlinkSandboxExtension FLINK = new FlinkSandboxExtension();

  private static final Duration PATIENCE = Duration.ofSeconds(60);

  private static Vertx vertxB;
  private static TestConsole b;

  @Override
  protected FlinkSandboxExtension flink() {
    return FLINK;
  }

  @BeforeAll
  static void startReplica() {
    Map<String, String> env = TestConsole.replicaEnv(console.env());
    env.put("CDC_CONSOLE_RUN_POLL_INTERVAL", "10m");
    env.put("CDC_CONSOLE_CLUSTER_HEALTH_INTERVAL", "1h");
    env.put("CDC_CONSOLE_AUTH_CACHE_TTL", "10m");
    vertxB = Vertx.vertx();
    b = TestConsole.start(vertxB, env);
  }

  @AfterAll
  static void stopReplica() throws Exception {
    try {
      if (b != null) {
        b.close();
      }
    } finally {
      b = null;
      TestConsole.await(vertxB.close());
    }
  }

  /** Every event delivered at {@code address} on a Vert.x: its body and whether it came over. */
  private record Heard(JsonObject body, boolean fromOtherReplica) {}

  private static Queue<Heard> listen(Vertx vertx, String address) throws Exception {
    Queue<Heard> heard = new ConcurrentLinkedQueue<>();
    TestConsole.await(
        vertx
            .eventBus()
            .<JsonObject>consumer(
                address, m -> heard.add(new Heard(m.body(), EventFanout.fromOtherReplica(m))))
            .completion());
    return heard;
  }

  @Test
  void aStreamOnBSeesEveryTransitionARecordsWithTheSameIdsAndEachOnce() throws Exception {
    Queue<Heard> onA = listen(consoleVertx(), RunEvents.ADDRESS);
    Queue<Heard> onB = listen(vertxB, RunEvents.ADDRESS);
    pipeline("fan-stream", bounded("fan-stream"));
    List<Sse.Event> seenOnA;
    List<Sse.Event> seenOnB;
    long runId;
    try (Sse streamA = Sse.open(console.app().port(), operator, null);
        Sse streamB = Sse.open(b.app().port(), operator, null)) {
      assertEquals(200, streamA.status());
      assertEquals(200, streamB.status());
      Http.Response started =
          http.post("/api/v1/pipelines/fan-stream/runs", operator, new JsonObject());
      assertEquals(202, started.status(), started.body());
      runId = started.json().getLong("id");
      seenOnA = transitionsUntilFinished(streamA, runId);
      seenOnB = transitionsUntilFinished(streamB, runId);
    }
    assertEquals(
        "SUBMITTING", seenOnB.get(0).data().getString("to"), "from the start on: " + seenOnB);
    assertEquals(
        seenOnA.stream().map(e -> e.id() + ":" + e.data().getString("to")).toList(),
        seenOnB.stream().map(e -> e.id() + ":" + e.data().getString("to")).toList(),
        "B streams A's transitions with A's ids, in A's order");
    for (Sse.Event e : seenOnB) {
      assertEquals(e.id(), e.data().getLong("id"), "the SSE id is the stored transition's id");
    }
    assertUnique(seenOnA);
    assertUnique(seenOnB);
    JsonObject stored = http.get("/api/v1/runs/" + runId, operator).json();
    assertEquals(
        stored.getJsonArray("transitions").stream()
            .map(t -> ((JsonObject) t).getString("to"))
            .toList(),
        seenOnB.stream().map(e -> e.data().getString("to")).toList(),
        "every stored transition, once");

    // on the event buses: each transition once on A (its own, never echoed back), once on B (sent
    // over)
    Set<Long> ids = new HashSet<>(seenOnA.stream().map(Sse.Event::id).toList());
    List<Heard> mineOnA =
        eventually(PATIENCE, () -> ofRun(onA, runId), l -> l.size() >= ids.size());
    assertEquals(ids.size(), mineOnA.size(), "each once on A: " + mineOnA);
    assertTrue(mineOnA.stream().noneMatch(Heard::fromOtherReplica), "A recorded them: " + mineOnA);
    List<Heard> mineOnB =
        eventually(PATIENCE, () -> ofRun(onB, runId), l -> l.size() >= ids.size());
    assertEquals(ids.size(), mineOnB.size(), "each once on B: " + mineOnB);
    assertTrue(mineOnB.stream().allMatch(Heard::fromOtherReplica), "sent over: " + mineOnB);
  }

  @Test
  void aDsWaitOnBEndsWhenARecordsTheRunsEnd() throws Exception {
    pipeline("fan-ds", bounded("fan-ds"));
    // DolphinScheduler's first attempt reaches A and does not wait; its retry reaches B and waits
    // for the end of the same run
    Http.Response first =
        http.post(
            "/api/v1/ds/start?pipeline=fan-ds&wait=none&workflowInstanceId=4711&taskInstanceId=1",
            operator,
            null);
    assertEquals(200, first.status(), first.body());
    long runId = first.json().getLong("runId");
    long waitStarted = System.nanoTime();
    Http.Response waited =
        b.http()
            .post(
                "/api/v1/ds/start?pipeline=fan-ds&wait=FINISHED&timeout=50"
                    + "&workflowInstanceId=4711&taskInstanceId=2",
                operator,
                null);
    double seconds = (System.nanoTime() - waitStarted) / 1e9;
    assertEquals(200, waited.status(), waited.body());
    JsonObject answer = waited.json();
    assertEquals("SUCCESS", answer.getString("result"), answer.encode());
    assertEquals("FINISHED", answer.getString("state"));
    assertEquals(runId, answer.getLong("runId"), "the same run");
    // B records nothing itself: only A's FINISHED, sent over, can end the wait before its timeout
    assertTrue(seconds < 50, "answered when the run ended, not at the timeout: " + seconds + " s");
  }

  @Test
  void aClusterHealthChangeOnAReachesAStreamOnB() throws Exception {
    try (Sse streamB = Sse.open(b.app().port(), admin, null)) {
      assertEquals(200, streamB.status());
      Http.Response created =
          http.post(
              "/api/v1/clusters",
              admin,
              new JsonObject()
                  .put("name", "fan-nowhere")
                  .put("restUrl", "http://127.0.0.1:" + closedPort())
                  .put("cdc", new JsonObject().put("mode", "provided").put("version", "3.2.0")));
      assertEquals(201, created.status(), created.body());
      long clusterId = created.json().getLong("id");
      Sse.Event health =
          next(
              streamB,
              e ->
                  ClusterHealthWatcher.ADDRESS.equals(e.name())
                      && e.data().getLong("clusterId") == clusterId);
      assertEquals("UNREACHABLE", health.data().getString("status"), health.data().encode());
      String cluster = "/api/v1/clusters/" + clusterId;
      assertEquals(204, http.delete(cluster, admin, http.etag(cluster, admin)).status());
    }
  }

  @Test
  void revokingATokenOrDisablingAUserOnAIsRefusedOnBAtOnce() throws Exception {
    Http.Response user =
        http.post(
            "/api/v1/users",
            admin,
            new JsonObject()
                .put("username", "fanalice")
                .put("password", "fanalice-Pass-123")
                .put("role", "operator"));
    assertEquals(201, user.status(), user.body());
    long userId = user.json().getLong("id");
    String session = http.login("fanalice", "fanalice-Pass-123");
    Http.Response token =
        http.post("/api/v1/tokens", session, new JsonObject().put("name", "fan-script"));
    assertEquals(201, token.status(), token.body());
    String apiToken = token.json().getString("token");

    // B looks both up once and would reuse them for ten minutes
    assertEquals(200, b.http().get("/api/v1/pipelines", apiToken).status());
    assertEquals(200, b.http().get("/api/v1/pipelines", session).status());

    assertEquals(
        204, http.delete("/api/v1/tokens/" + token.json().getLong("id"), session).status());
    eventually(PATIENCE, () -> b.http().get("/api/v1/pipelines", apiToken).status(), s -> s == 401);
    assertEquals(
        200, b.http().get("/api/v1/pipelines", session).status(), "only the token was revoked");

    assertEquals(
        200,
        http.patch("/api/v1/users/" + userId, admin, new JsonObject().put("disabled", true))
            .status());
    eventually(PATIENCE, () -> b.http().get("/api/v1/pipelines", session).status(), s -> s == 401);
  }

  @Test
  void anEventTooBigForANotificationTravelsThroughTheDatabaseInOrderAndIsNotEchoed()
      throws Exception {
    Queue<Heard> onA = listen(consoleVertx(), PipelineStore.CHANGED_ADDRESS);
    Queue<Heard> onB = listen(vertxB, PipelineStore.CHANGED_ADDRESS);
    String big = "x".repeat(3 * EventFanout.MAX_PAYLOAD_BYTES);
    consoleVertx()
        .eventBus()
        .publish(
            PipelineStore.CHANGED_ADDRESS, new JsonObject().put("test", "big").put("pad", big));
    consoleVertx()
        .eventBus()
        .publish(PipelineStore.CHANGED_ADDRESS, new JsonObject().put("test", "after-big"));
    eventually(PATIENCE, () -> tests(onB), l -> l.contains("after-big"));
    assertEquals(List.of("big", "after-big"), tests(onB), "each once, in the order sent");
    Heard bigOnB =
        onB.stream().filter(h -> "big".equals(h.body().getString("test"))).findFirst().get();
    assertEquals(big, bigOnB.body().getString("pad"));
    assertTrue(bigOnB.fromOtherReplica());

    // B answers: once A hears it, A's listener has been given everything sent before it, A's own
    // notifications too, and must have republished none of them
    vertxB
        .eventBus()
        .publish(PipelineStore.CHANGED_ADDRESS, new JsonObject().put("test", "from-b"));
    eventually(PATIENCE, () -> tests(onA), l -> l.contains("from-b"));
    assertEquals(List.of("big", "after-big", "from-b"), tests(onA));
    assertEquals(
        List.of(false, false, true),
        onA.stream()
            .filter(h -> h.body().getString("test") != null)
            .map(Heard::fromOtherReplica)
            .toList(),
        "A's own events are not echoed back to it");
    Long kept =
        TestConsole.await(
                console
                    .app()
                    .database()
                    .pool()
                    .query("select count(*) from event_overflow")
                    .execute())
            .iterator()
            .next()
            .getLong(0);
    assertTrue(kept >= 1, "the big event went through event_overflow");
  }

  @Test
  void aListenerThatLostItsConnectionListensAgainAndItsReplicaStartsOver() throws Exception {
    Queue<Heard> resyncs = listen(vertxB, EventFanout.RESYNC_ADDRESS);
    Queue<Heard> onB = listen(vertxB, PipelineStore.CHANGED_ADDRESS);
    try (Sse streamB = Sse.open(b.app().port(), admin, null)) {
      assertEquals(200, streamB.status());
      // the database ends both listeners' sessions (as a restart or a network cut would)
      Long ended =
          TestConsole.await(
                  console
                      .app()
                      .database()
                      .pool()
                      .query(
                          "select count(pg_terminate_backend(pid)) from pg_stat_activity "
                              + "where datname = current_database() and application_name = '"
                              + EventFanout.APPLICATION_NAME
                              + "'")
                      .execute())
              .iterator()
              .next()
              .getLong(0);
      assertEquals(2, ended, "A's and B's listeners");
      eventually(PATIENCE, resyncs::size, n -> n >= 1);
      // B's open stream ends so that its client reconnects with Last-Event-ID and is replayed
      Optional<Sse.Event> e;
      do {
        e = streamB.next();
      } while (e.isPresent());
    }
    // and what A sends now reaches B again
    pipeline("fan-after-resync", bounded("fan-after-resync"));
    eventually(PATIENCE, () -> List.copyOf(onB), l -> l.stream().anyMatch(Heard::fromOtherReplica));
  }

  private static List<String> tests(Queue<Heard> heard) {
    return heard.stream().map(h -> h.body().getString("test")).filter(t -> t != null).toList();
  }

  private static List<Heard> ofRun(Queue<Heard> heard, long runId) {
    return heard.stream().filter(h -> h.body().getLong("runId") == runId).toList();
  }

  private static void assertUnique(List<Sse.Event> events) {
    Set<Long> ids = new HashSet<>();
    for (Sse.Event e : events) {
      assertNotNull(e.id(), "a run.state event has an id: " + e);
      assertTrue(ids.add(e.id()), "no transition twice: " + events);
    }
    assertFalse(events.isEmpty());
  }

  /** The run.state events of {@code runId} up to its FINISHED (other runs and kinds skipped). */
  private static List<Sse.Event> transitionsUntilFinished(Sse stream, long runId) {
    List<Sse.Event> out = new ArrayList<>();
    while (true) {
      Sse.Event e =
          next(
              stream,
              x -> RunEvents.ADDRESS.equals(x.name()) && x.data().getLong("runId") == runId);
      out.add(e);
      if ("FINISHED".equals(e.data().getString("to"))) {
        return out;
      }
    }
  }

  private static Sse.Event next(Sse stream, Predicate<Sse.Event> wanted) {
    while (true) {
      Sse.Event e = stream.next().orElseThrow(() -> new AssertionError("the stream ended"));
      if (wanted.test(e)) {
        return e;
      }
    }
  }

  private static int closedPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
