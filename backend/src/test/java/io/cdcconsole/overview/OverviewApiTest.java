package io.cdcconsole.overview;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console's first page and the lists behind it: {@code /overview}, {@code /pipelines} filtered
 * and sorted by the current run, and the {@code /transitions} feed. Runs in known states are
 * written straight into the real database (the states are what matters here, not how Flink got
 * there; the sandbox tests cover that). The cluster does not answer, so every active run is written
 * stale already: the watcher would mark it so anyway.
 */
class OverviewApiTest extends ConsoleTest {
  private static final Instant NOW = Instant.now();
  private static final Map<String, Long> PIPELINES = new HashMap<>();
  private static String viewer;
  private static int jobs;

  @BeforeAll
  static void setUp() throws Exception {
    viewer = console.userToken("looker", "viewer");
    long clusterId = unreachableCluster("gone");
    String yaml = "source:\n  type: values\nsink:\n  type: values\n";
    for (String name : List.of("alpha", "bravo", "charlie", "delta", "echo", "foxtrot")) {
      Http.Response created =
          http.post(
              "/api/v1/pipelines",
              admin,
              new JsonObject().put("name", name).put("clusterId", clusterId).put("yaml", yaml));
      assertEquals(201, created.status(), created.body());
      PIPELINES.put(name, created.json().getLong("id"));
    }
    // alpha: running but stale; bravo: never ran; charlie: finished; delta: failed after an earlier
    // finished run;
    // echo: restarting and stale; foxtrot: lost
    run(
        "alpha",
        clusterId,
        "RUNNING",
        true,
        null,
        NOW.minus(Duration.ofMinutes(30)),
        NOW.minus(Duration.ofHours(5)));
    run("charlie", clusterId, "FINISHED", false, null, null, NOW.minus(Duration.ofHours(4)));
    run("delta", clusterId, "FINISHED", false, null, null, NOW.minus(Duration.ofHours(6)));
    run("delta", clusterId, "FAILED", false, "boom", null, NOW.minus(Duration.ofHours(1)));
    run(
        "echo",
        clusterId,
        "RESTARTING",
        true,
        "TaskManager lost",
        NOW.minus(Duration.ofMinutes(10)),
        NOW.minus(Duration.ofHours(3)));
    run("foxtrot", clusterId, "LOST", false, null, null, NOW.minus(Duration.ofHours(2)));
    // last changed: bravo, then delta, foxtrot, alpha, echo, charlie
    List<String> byUpdate = List.of("charlie", "echo", "alpha", "foxtrot", "delta", "bravo");
    for (int i = 0; i < byUpdate.size(); i++) {
      sql(
          "update pipeline set updated_at = ? where id = ?",
          Timestamp.from(NOW.minus(Duration.ofDays(10 - i))),
          PIPELINES.get(byUpdate.get(i)));
    }
  }

  @Test
  void theOverviewCountsPipelinesByCurrentRunAndListsWhatNeedsAttentionNewestFirst() {
    Http.Response r = http.get("/api/v1/overview", viewer);
    assertEquals(200, r.status(), r.body());
    JsonObject pipelines = r.json().getJsonObject("pipelines");
    assertEquals(6, pipelines.getLong("total"));
    assertEquals(2, pipelines.getLong("stale"));
    JsonObject byState = pipelines.getJsonObject("byState");
    Map<String, Long> expected =
        Map.of(
            "RUNNING", 1L, "NONE", 1L, "FINISHED", 1L, "FAILED", 1L, "RESTARTING", 1L, "LOST", 1L);
    for (String state : byState.fieldNames()) {
      assertEquals(
          expected.getOrDefault(state, 0L), byState.getLong(state), state + " in " + byState);
    }
    assertTrue(byState.containsKey("FAILED_TO_SUBMIT"), "every state is listed: " + byState);

    JsonObject clusters = r.json().getJsonObject("clusters");
    assertEquals(1, clusters.getLong("total"));
    JsonObject byStatus = clusters.getJsonObject("byStatus");
    assertEquals(
        List.of("DEGRADED", "HEALTHY", "UNKNOWN", "UNREACHABLE"),
        byStatus.fieldNames().stream().sorted().toList());
    assertEquals(1, byStatus.stream().mapToLong(e -> ((Number) e.getValue()).longValue()).sum());

    JsonArray attention = r.json().getJsonArray("attention");
    assertEquals(List.of("alpha", "delta", "foxtrot", "echo"), names(attention, "pipeline"));
    JsonObject delta = attention.getJsonObject(1);
    assertEquals(PIPELINES.get("delta"), delta.getLong("pipelineId"));
    assertEquals("FAILED", delta.getString("state"));
    assertEquals("boom", delta.getString("lastError"));
    assertEquals(false, delta.getBoolean("stale"));
    assertNotNull(delta.getLong("runId"));
    assertEquals(
        NOW.minus(Duration.ofHours(1)).toEpochMilli(),
        Instant.parse(delta.getString("since")).toEpochMilli(),
        "since: when the run entered its state");
    JsonObject alpha = attention.getJsonObject(0);
    assertEquals(true, alpha.getBoolean("stale"));
    assertEquals(
        NOW.minus(Duration.ofMinutes(30)).toEpochMilli(),
        Instant.parse(alpha.getString("since")).toEpochMilli(),
        "a stale running run: since its cluster last answered");
    assertEquals(401, http.get("/api/v1/overview", null).status());
  }

  @Test
  void pipelinesAreFilteredByTheirCurrentRunsStateAndStaleness() {
    assertEquals(List.of("alpha"), list("state=RUNNING"));
    assertEquals(List.of("bravo", "charlie"), list("state=NONE,FINISHED"));
    assertEquals(
        List.of("delta"), list("state=failed"), "the newest run counts, not an earlier one");
    assertEquals(List.of("alpha", "echo"), list("stale=true"));
    assertEquals(List.of("bravo", "charlie", "delta", "foxtrot"), list("stale=false"));
    assertEquals(List.of("echo"), list("stale=true&state=RESTARTING,LOST"));
    Http.Response page =
        http.get("/api/v1/pipelines?state=FINISHED,FAILED,LOST&limit=2&offset=1", viewer);
    assertEquals(3, page.json().getLong("total"));
    assertEquals(List.of("delta", "foxtrot"), names(page.items(), "name"));

    JsonObject alpha = http.get("/api/v1/pipelines?state=RUNNING", viewer).items().getJsonObject(0);
    JsonObject current = alpha.getJsonObject("currentRun");
    for (String field : List.of("id", "state", "stale", "jobId", "startedAt")) {
      assertNotNull(current.getValue(field), field + " in " + current);
    }
    assertEquals(true, current.getBoolean("stale"));
    assertEquals(
        null,
        http.get("/api/v1/pipelines?state=NONE", viewer)
            .items()
            .getJsonObject(0)
            .getValue("currentRun"));
  }

  @Test
  void pipelinesAreSortedByNameUpdateOrState() {
    List<String> byName = List.of("alpha", "bravo", "charlie", "delta", "echo", "foxtrot");
    assertEquals(byName, list(""));
    assertEquals(byName, list("sort=name"));
    List<String> reversed = new ArrayList<>(byName);
    java.util.Collections.reverse(reversed);
    assertEquals(reversed, list("sort=-name"));
    assertEquals(
        List.of("charlie", "echo", "alpha", "foxtrot", "delta", "bravo"), list("sort=updatedAt"));
    assertEquals(
        List.of("bravo", "delta", "foxtrot", "alpha", "echo", "charlie"), list("sort=-updatedAt"));
    assertEquals(
        List.of("delta", "charlie", "foxtrot", "bravo", "echo", "alpha"), list("sort=state"));
    assertEquals(
        List.of("alpha", "echo", "bravo", "foxtrot", "charlie", "delta"), list("sort=-state"));
  }

  @Test
  void badListParametersAre400Problems() {
    assertEquals(List.of("alpha"), list("state=,RUNNING,"), "empty parts are ignored");
    for (String query :
        List.of("state=BOGUS", "state=RUNNING,bogus", "sort=size", "sort=-", "stale=maybe")) {
      Http.Response r = http.get("/api/v1/pipelines?" + query, viewer);
      assertEquals(400, r.status(), query + ": " + r.body());
      assertTrue(r.contentType().startsWith("application/problem+json"), r.contentType());
      String field = query.substring(0, query.indexOf('='));
      assertEquals(
          field, r.json().getJsonArray("errors").getJsonObject(0).getString("path"), r.body());
    }
  }

  @Test
  void theTransitionFeedListsTransitionsAcrossRunsNewestFirst() {
    Http.Response all = http.get("/api/v1/transitions?limit=3", viewer);
    assertEquals(200, all.status(), all.body());
    assertEquals(6, all.json().getLong("total"));
    assertEquals(3, all.items().size());
    List<Long> ids = new ArrayList<>();
    all.items().forEach(t -> ids.add(((JsonObject) t).getLong("id")));
    assertEquals(
        ids.stream().sorted(java.util.Comparator.reverseOrder()).toList(), ids, "newest first");
    JsonObject newest = all.items().getJsonObject(0);
    assertEquals("foxtrot", newest.getString("pipeline"));
    for (String field :
        List.of("id", "runId", "pipelineId", "pipeline", "to", "at", "source", "detail")) {
      assertTrue(newest.containsKey(field), field + " in " + newest);
    }

    Http.Response delta = http.get("/api/v1/transitions?pipeline=delta", viewer);
    assertEquals(2, delta.json().getLong("total"));
    assertEquals(List.of("FAILED", "FINISHED"), names(delta.items(), "to"));
    assertEquals(
        delta.items(),
        http.get("/api/v1/transitions?pipeline=" + PIPELINES.get("delta"), viewer).items(),
        "by id or by name");
    assertEquals(404, http.get("/api/v1/transitions?pipeline=nope", viewer).status());
    assertEquals(400, http.get("/api/v1/transitions?limit=0", viewer).status());
  }

  private static List<String> list(String query) {
    Http.Response r = http.get("/api/v1/pipelines?" + query, viewer);
    assertEquals(200, r.status(), query + ": " + r.body());
    assertEquals(r.items().size(), r.json().getLong("total"), query);
    return names(r.items(), "name");
  }

  private static List<String> names(JsonArray items, String field) {
    List<String> out = new ArrayList<>();
    items.forEach(i -> out.add(((JsonObject) i).getString(field)));
    return out;
  }

  /** A run in {@code state} whose one transition happened at {@code at}. */
  private static void run(
      String pipeline,
      long clusterId,
      String state,
      boolean stale,
      String lastError,
      Instant lastSeen,
      Instant at)
      throws Exception {
    long runId;
    try (Connection c = connect();
        PreparedStatement ps =
            c.prepareStatement(
                "insert into pipeline_run (pipeline_id, "
                    + "pipeline_version, cluster_id, job_id, state, stale, last_error, last_seen_at, started_at) "
                    + "values (?, 1, ?, ?, ?, ?, ?, ?, ?) returning id")) {
      ps.setLong(1, PIPELINES.get(pipeline));
      ps.setLong(2, clusterId);
      ps.setString(3, "%032x".formatted(++jobs));
      ps.setString(4, state);
      ps.setBoolean(5, stale);
      ps.setString(6, lastError);
      ps.setTimestamp(7, lastSeen == null ? null : Timestamp.from(lastSeen));
      ps.setTimestamp(8, Timestamp.from(at));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        runId = rs.getLong(1);
      }
    }
    sql(
        "insert into run_transition (run_id, from_state, to_state, at, source, detail) values (?, null, ?, ?, 'console', ?)",
        runId,
        state,
        Timestamp.from(at),
        "set up as " + state);
  }

  private static void sql(String statement, Object... args) throws Exception {
    try (Connection c = connect();
        PreparedStatement ps = c.prepareStatement(statement)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      ps.executeUpdate();
    }
  }

  private static Connection connect() throws Exception {
    var db = console.config().database();
    return DriverManager.getConnection(
        db.url().orElseThrow(), db.user(), db.password().map(s -> s.value()).orElse(""));
  }
}
