package io.cdcconsole.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.sandbox.junit.FlinkSandboxExtension;
import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.Http;
import io.cdcconsole.test.Sse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /events} with real runs on the sandbox: ids and replay after a reconnect, credentials
 * checked again on every keep-alive, and the cap on open streams.
 */
@ConsoleTest.Env({
  "CDC_CONSOLE_RUN_POLL_INTERVAL=1s",
  "CDC_CONSOLE_RUN_FAST_POLL_INTERVAL=300ms",
  "CDC_CONSOLE_RUN_LOST_GRACE=5s",
  "CDC_CONSOLE_CLUSTER_HEALTH_INTERVAL=2s",
  "CDC_CONSOLE_EVENTS_KEEP_ALIVE=300ms",
  "CDC_CONSOLE_EVENTS_MAX_STREAMS_PER_USER=3"
})
@Timeout(300)
class EventStreamTest extends SandboxRunTest {
  @RegisterExtension static final FlinkSandboxExtension FLINK = new FlinkSandboxExtension();

  @Override
  protected FlinkSandboxExtension flink() {
    return FLINK;
  }

  @Test
  void aReconnectWithLastEventIdGetsEveryMissedTransitionOnceInOrderThenLiveOnes()
      throws Exception {
    pipeline("replay-a", bounded("replay-a"));
    long lastSeen;
    try (Sse first = Sse.open(console.app().port(), operator, null)) {
      assertEquals(200, first.status());
      long runA = start("replay-a");
      List<Sse.Event> seen = readUntilFinished(first, runA);
      for (Sse.Event e : seen) {
        assertEquals(e.id(), e.data().getLong("id"), "the SSE id is the transition id");
        for (String field :
            List.of("runId", "pipelineId", "pipeline", "jobId", "to", "at", "source", "stale")) {
          assertTrue(e.data().containsKey(field), field + " in " + e.data());
        }
      }
      lastSeen = seen.get(seen.size() - 1).id();
    }

    // nobody listens while this run goes through all its states
    pipeline("replay-b", bounded("replay-b"));
    long runB = start("replay-b");
    JsonObject finishedB = waitForState("/api/v1/runs/" + runB, "FINISHED");
    List<String> storedB = new ArrayList<>();
    finishedB
        .getJsonArray("transitions")
        .forEach(t -> storedB.add(((JsonObject) t).getString("to")));

    try (Sse again = Sse.open(console.app().port(), operator, lastSeen)) {
      assertEquals(200, again.status());
      List<Sse.Event> replayed = readUntilFinished(again, runB);
      assertEquals(
          storedB,
          replayed.stream()
              .filter(e -> e.data().getLong("runId") == runB)
              .map(e -> e.data().getString("to"))
              .toList(),
          "every missed transition of the run, once, in order");
      assertIncreasingAfter(lastSeen, replayed);
      assertEquals(
          feed(lastSeen),
          replayed.stream().map(Sse.Event::id).toList(),
          "exactly the stored transitions after Last-Event-ID");

      pipeline("replay-c", bounded("replay-c"));
      long runC = start("replay-c");
      List<Sse.Event> live = readUntilFinished(again, runC);
      List<Sse.Event> all = new ArrayList<>(replayed);
      all.addAll(live);
      assertIncreasingAfter(lastSeen, all);
      assertTrue(
          live.stream()
              .anyMatch(
                  e ->
                      e.data().getLong("runId") == runC
                          && "SUBMITTING".equals(e.data().getString("to"))),
          live.toString());
    }
  }

  @Test
  void aRunWhoseClusterStopsAnsweringIsAnnouncedStaleThenFreshWithoutATransition()
      throws Exception {
    int closed;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    Http.Response cluster =
        http.post(
            "/api/v1/clusters",
            admin,
            new JsonObject()
                .put("name", "moving")
                .put("restUrl", "http://127.0.0.1:" + closed)
                .put("cdc", new JsonObject().put("mode", "provided").put("version", "3.2.0")));
    assertEquals(201, cluster.status(), cluster.body());
    long movingId = cluster.json().getLong("id");
    Http.Response created =
        http.post(
            "/api/v1/pipelines",
            operator,
            new JsonObject()
                .put("name", "wanders")
                .put("clusterId", movingId)
                .put("yaml", bounded("wanders")));
    assertEquals(201, created.status(), created.body());
    try (Sse stream = Sse.open(console.app().port(), operator, null)) {
      long runId = start("wanders");
      // the cluster does not answer: the run stays SUBMITTING, and is announced stale
      Sse.Event stale =
          next(
              stream,
              e -> RunEvents.STALE_ADDRESS.equals(e.name()) && e.data().getLong("runId") == runId);
      assertEquals(true, stale.data().getBoolean("stale"), stale.toString());
      assertEquals(null, stale.id(), "not a transition: no id");
      assertEquals("wanders", stale.data().getString("pipeline"));

      // the cluster moves to where Flink is: the run is submitted there, announced fresh, and
      // finishes
      Http.Response read = http.get("/api/v1/clusters/" + movingId, admin);
      JsonObject moved = read.json().put("restUrl", flink().restUrl());
      Http.Response put =
          http.put("/api/v1/clusters/" + movingId, admin, moved, read.header("ETag"));
      assertEquals(200, put.status(), put.body());
      Sse.Event fresh =
          next(
              stream,
              e -> RunEvents.STALE_ADDRESS.equals(e.name()) && e.data().getLong("runId") == runId);
      assertEquals(false, fresh.data().getBoolean("stale"), fresh.toString());
      Sse.Event finished =
          next(
              stream,
              e ->
                  RunEvents.ADDRESS.equals(e.name())
                      && e.data().getLong("runId") == runId
                      && "FINISHED".equals(e.data().getString("to")));
      assertEquals(false, finished.data().getBoolean("stale"));
    }
  }

  @Test
  void aStreamEndsOnTheKeepAliveAfterItsTokenIsRevoked() {
    Http.Response created =
        http.post("/api/v1/tokens", operator, new JsonObject().put("name", "listener"));
    assertEquals(201, created.status(), created.body());
    String token = created.json().getString("token");
    try (Sse stream = Sse.open(console.app().port(), token, null)) {
      assertEquals(200, stream.status());
      assertEquals(
          204, http.delete("/api/v1/tokens/" + created.json().getLong("id"), operator).status());
      List<Sse.Event> events = new ArrayList<>();
      for (Optional<Sse.Event> e = stream.next(); e.isPresent(); e = stream.next()) {
        events.add(e.get());
      }
      // the loop above ends only when the server ends the stream
      assertEquals("stream.closed", events.get(events.size() - 1).name(), events.toString());
    }
    assertEquals(401, Sse.open(console.app().port(), token, null).status());
  }

  @Test
  void aStreamEndsOnTheKeepAliveAfterItsUserIsDisabled() {
    String viewer = console.userToken("soon-disabled", "viewer");
    long userId = http.get("/api/v1/me", viewer).json().getLong("id");
    try (Sse stream = Sse.open(console.app().port(), viewer, null)) {
      assertEquals(200, stream.status());
      Http.Response disabled =
          http.patch("/api/v1/users/" + userId, admin, new JsonObject().put("disabled", true));
      assertEquals(200, disabled.status(), disabled.body());
      Sse.Event last = null;
      for (Optional<Sse.Event> e = stream.next(); e.isPresent(); e = stream.next()) {
        last = e.get();
      }
      assertNotNull(last, "a stream.closed event before the end");
      assertEquals("stream.closed", last.name(), last.toString());
    }
  }

  @Test
  void streamsBeyondTheCapPerUserAreRefusedWith429() {
    String viewer = console.userToken("many-tabs", "viewer");
    List<Sse> open = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        open.add(Sse.open(console.app().port(), viewer, null));
        assertEquals(200, open.get(i).status());
      }
      Sse refused = Sse.open(console.app().port(), viewer, null);
      assertEquals(429, refused.status());
      assertTrue(
          refused.contentType().startsWith("application/problem+json"), refused.contentType());
      assertTrue(refused.body().contains("event streams"));
      try (Sse other = Sse.open(console.app().port(), admin, null)) {
        assertEquals(200, other.status(), "the cap is per user");
      }
    } finally {
      open.forEach(Sse::close);
    }
    Http.Response bad =
        http.send(
            "GET", "/api/v1/events", viewer, null, null, java.util.Map.of("Last-Event-ID", "x"));
    assertEquals(400, bad.status(), bad.body());
  }

  /** The next event that matches, skipping the others. */
  private static Sse.Event next(Sse stream, java.util.function.Predicate<Sse.Event> wanted) {
    while (true) {
      Sse.Event e = stream.next().orElseThrow(() -> new AssertionError("the stream ended"));
      if (wanted.test(e)) {
        return e;
      }
    }
  }

  private long start(String pipeline) {
    Http.Response started =
        http.post("/api/v1/pipelines/" + pipeline + "/runs", operator, new JsonObject());
    assertEquals(202, started.status(), started.body());
    return started.json().getLong("id");
  }

  /** The run.state events up to the given run's FINISHED (other event kinds skipped). */
  private static List<Sse.Event> readUntilFinished(Sse stream, long runId) {
    List<Sse.Event> out = new ArrayList<>();
    while (true) {
      Sse.Event e = stream.next().orElseThrow(() -> new AssertionError("the stream ended: " + out));
      if (!RunEvents.ADDRESS.equals(e.name())) {
        continue;
      }
      assertNotNull(e.id(), "a run.state event has an id: " + e);
      out.add(e);
      if (e.data().getLong("runId") == runId && "FINISHED".equals(e.data().getString("to"))) {
        return out;
      }
    }
  }

  private static void assertIncreasingAfter(long after, List<Sse.Event> events) {
    Set<Long> ids = new HashSet<>();
    long previous = after;
    for (Sse.Event e : events) {
      assertTrue(e.id() > previous, "ids grow: " + events);
      assertTrue(ids.add(e.id()), "no id twice: " + events);
      previous = e.id();
    }
    assertFalse(events.isEmpty());
  }

  /**
   * The ids of the stored transitions after {@code after}, oldest first, from the transition feed.
   */
  private List<Long> feed(long after) {
    JsonArray items = http.get("/api/v1/transitions?limit=500", operator).items();
    List<Long> ids = new ArrayList<>();
    for (int i = items.size() - 1; i >= 0; i--) {
      long id = items.getJsonObject(i).getLong("id");
      if (id > after) {
        ids.add(id);
      }
    }
    return ids;
  }
}
