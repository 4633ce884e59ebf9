package io.cdcconsole;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.run.LaunchTickets;
import io.cdcconsole.test.Http;
import io.cdcconsole.test.TestConsole;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two console replicas, A and B, on one database (issue 13): what one process kept in memory before
 * holds on both now. A lockout earned on A refuses on B, with the same answer; a launch ticket
 * issued by A is served by B, exactly once, and its row holds no secret; an Idempotency-Key used on
 * A answers the same run on B, also when both get it at once.
 */
class SharedStateReplicasTest {
  private static final int MAX_FAILURES = 3;
  private static final String SECRET = "Replica-Ticket-Secret-5150";
  private static final String YAML =
      "source:\n  type: mysql\n  username: cdc\n  password: " + SECRET + "\n";

  private static Vertx vertxA;
  private static Vertx vertxB;
  private static TestConsole a;
  private static TestConsole b;
  private static String admin;
  private static long clusterId;

  @BeforeAll
  static void startTwoReplicas() throws Exception {
    Map<String, String> env = TestConsole.defaultEnv();
    env.put("CDC_CONSOLE_LOCKOUT_MAX_FAILURES", Integer.toString(MAX_FAILURES));
    env.put("CDC_CONSOLE_LOCKOUT_DURATION", "2m");
    // the address (127.0.0.1 for every test here) must not lock first
    env.put("CDC_CONSOLE_LOCKOUT_MAX_FAILURES_PER_ADDRESS", "1000");
    // separate Vert.x instances, as separate processes have
    vertxA = Vertx.vertx();
    vertxB = Vertx.vertx();
    a = TestConsole.start(vertxA, env);
    b = TestConsole.start(vertxB, TestConsole.replicaEnv(env));
    admin = a.adminToken();
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    // a cluster that does not answer: starts are accepted, their submissions fail
    Http.Response cluster =
        a.http()
            .post(
                "/api/v1/clusters",
                admin,
                new JsonObject()
                    .put("name", "replicas-nowhere")
                    .put("restUrl", "http://127.0.0.1:" + port)
                    .put("cdc", new JsonObject().put("mode", "provided").put("version", "3.2.0")));
    assertEquals(201, cluster.status(), cluster.body());
    clusterId = cluster.json().getLong("id");
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (b != null) {
        b.close();
      }
      if (a != null) {
        a.close();
      }
    } finally {
      TestConsole.await(vertxB.close());
      TestConsole.await(vertxA.close());
    }
  }

  @Test
  void aSessionFromOneReplicaIsValidOnTheOther() {
    assertEquals(200, b.http().get("/api/v1/me", admin).status());
  }

  @Test
  void aLockoutEarnedOnAHoldsOnBWithTheSameAnswer() {
    a.userToken("replica-locked", "viewer");
    for (int i = 0; i < MAX_FAILURES; i++) {
      assertEquals(401, login(a, "replica-locked", "wrong-" + i).status());
    }
    // B never saw a failure of its own: it refuses from the shared counter, the right password too
    Http.Response onB = login(b, "replica-locked", "replica-locked-Pass-123");
    Http.Response onA = login(a, "replica-locked", "replica-locked-Pass-123");
    for (Http.Response r : List.of(onA, onB)) {
      assertEquals(429, r.status(), r.body());
      assertTrue(r.contentType().startsWith("application/problem+json"), r.contentType());
      assertTrue(
          r.json().getString("detail").startsWith("Too many failed sign-ins for this account"),
          r.body());
      long retryAfter = Long.parseLong(r.header("Retry-After"));
      assertTrue(retryAfter > 30 && retryAfter <= 120, "locked for 2 minutes: " + retryAfter);
    }
    assertEquals(onA.json().getString("title"), onB.json().getString("title"));
    assertTrue(
        Math.abs(
                Long.parseLong(onA.header("Retry-After"))
                    - Long.parseLong(onB.header("Retry-After")))
            <= 2,
        "one lock, one end: " + onA.header("Retry-After") + " / " + onB.header("Retry-After"));
    // and nothing of the passwords is kept
    String counters = table("select * from login_throttle");
    assertTrue(counters.contains("user:replica-locked"), counters);
    assertFalse(counters.contains("wrong-") || counters.contains("Pass-123"), counters);
  }

  @Test
  void failuresOnBothReplicasAddUp() {
    a.userToken("replica-split", "viewer");
    assertEquals(401, login(a, "replica-split", "wrong-a").status());
    assertEquals(401, login(b, "replica-split", "wrong-b").status());
    assertEquals(401, login(a, "replica-split", "wrong-a2").status());
    assertEquals(429, login(b, "replica-split", "replica-split-Pass-123").status());
  }

  @Test
  void parallelGuessesOnBothReplicasAreCheckedAtMostMaxFailuresTimes() throws Exception {
    a.userToken("replica-raced", "viewer");
    Map<Integer, Long> statuses =
        parallel(
            40, i -> () -> login(i % 2 == 0 ? a : b, "replica-raced", "race-guess-" + i).status());
    assertTrue(statuses.keySet().stream().allMatch(s -> s == 401 || s == 429), statuses.toString());
    assertTrue(
        statuses.getOrDefault(401, 0L) <= MAX_FAILURES,
        "at most " + MAX_FAILURES + " guesses checked: " + statuses);
    assertEquals(200, a.http().get("/health", null).status());
    assertEquals(200, b.http().get("/health", null).status());
  }

  @Test
  void aLaunchTicketIssuedByAIsServedByBOnceAndItsRowHoldsNoSecret() throws Exception {
    // A's tickets as A's submission issues them: on A's Vert.x, into the shared database
    LaunchTickets onA =
        new LaunchTickets(
            vertxA, a.app().database().pool(), Clock.systemUTC(), Duration.ofSeconds(30));
    String ticket = TestConsole.await(onA.issue(4711, YAML, List.of(SECRET)));

    String rows = table("select * from launch_ticket");
    assertTrue(rows.contains("4711"), rows);
    for (String clear : List.of(ticket, SECRET, "password", "mysql")) {
      assertFalse(rows.contains(clear), "'" + clear + "' in the table: " + rows);
    }
    byte[] sealed =
        TestConsole.await(
                a.app()
                    .database()
                    .pool()
                    .query("select sealed from launch_ticket where run_id = 4711")
                    .execute())
            .iterator()
            .next()
            .getBuffer("sealed")
            .getBytes();
    assertFalse(
        new String(sealed, StandardCharsets.ISO_8859_1).contains(SECRET), "sealed, not in clear");

    HttpResponse<String> fetched = fetch(b, ticket);
    assertEquals(200, fetched.statusCode());
    assertEquals(YAML, fetched.body());
    assertEquals(
        SECRET,
        new String(
            Base64.getDecoder()
                .decode(fetched.headers().firstValue(LaunchTickets.REDACT_HEADER).orElseThrow()),
            StandardCharsets.UTF_8));
    assertEquals(404, fetch(b, ticket).statusCode(), "single use on B");
    assertEquals(404, fetch(a, ticket).statusCode(), "and on A");
    assertEquals("", table("select * from launch_ticket where run_id = 4711"), "taken");
  }

  @Test
  void parallelFetchesOfOneTicketOnBothReplicasServeItOnce() throws Exception {
    LaunchTickets onA =
        new LaunchTickets(
            vertxA, a.app().database().pool(), Clock.systemUTC(), Duration.ofSeconds(30));
    String ticket = TestConsole.await(onA.issue(4712, YAML, List.of(SECRET)));
    Map<Integer, Long> statuses =
        parallel(12, i -> () -> fetch(i % 2 == 0 ? a : b, ticket).statusCode());
    assertEquals(Map.of(200, 1L, 404, 11L), statuses);
  }

  @Test
  void anIdempotencyKeyUsedOnAAnswersTheSameRunOnB() {
    long pipeline = pipeline("replica-idem");
    Http.Response first = start(a, pipeline, "replica-key-1");
    assertEquals(202, first.status(), first.body());
    Http.Response again = start(b, pipeline, "replica-key-1");
    assertEquals(202, again.status(), again.body());
    assertEquals(first.header("Location"), again.header("Location"));
    assertEquals(first.json().getLong("id"), again.json().getLong("id"));
    assertEquals(1, runs(pipeline), "one run, not two");
  }

  @Test
  void oneIdempotencyKeyOnBothReplicasAtOnceStartsOneRun() throws Exception {
    long pipeline = pipeline("replica-idem-race");
    List<Http.Response> answers = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Http.Response>> sent = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        TestConsole replica = i % 2 == 0 ? a : b;
        sent.add(
            pool.submit(
                () -> {
                  go.await();
                  return start(replica, pipeline, "replica-key-2");
                }));
      }
      go.countDown();
      for (Future<Http.Response> f : sent) {
        answers.add(f.get());
      }
    } finally {
      pool.shutdownNow();
    }
    for (Http.Response r : answers) {
      assertEquals(202, r.status(), r.body());
    }
    assertEquals(
        1,
        answers.stream().map(r -> r.header("Location")).distinct().count(),
        "every answer names the one run");
    assertEquals(1, runs(pipeline));
  }

  private static Http.Response login(TestConsole replica, String username, String password) {
    return replica
        .http()
        .post(
            "/api/v1/auth/login",
            null,
            new JsonObject().put("username", username).put("password", password));
  }

  private static long pipeline(String name) {
    Http.Response created =
        a.http()
            .post(
                "/api/v1/pipelines",
                admin,
                new JsonObject()
                    .put("name", name)
                    .put("clusterId", clusterId)
                    .put("yaml", "source:\n  type: values\nsink:\n  type: values\n"));
    assertEquals(201, created.status(), created.body());
    return created.json().getLong("id");
  }

  private static Http.Response start(TestConsole replica, long pipeline, String key) {
    return replica
        .http()
        .send(
            "POST",
            "/api/v1/pipelines/" + pipeline + "/runs",
            admin,
            "{}",
            null,
            Map.of("Idempotency-Key", key));
  }

  private static long runs(long pipeline) {
    Http.Response list = a.http().get("/api/v1/pipelines/" + pipeline + "/runs", admin);
    assertEquals(200, list.status(), list.body());
    return list.items().size();
  }

  private static HttpResponse<String> fetch(TestConsole replica, String ticket) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:" + replica.app().port() + LaunchTickets.PATH + ticket))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  /** Every row of {@code sql} as text, one line each (empty when there is none). */
  private static String table(String sql) {
    try {
      List<String> lines = new ArrayList<>();
      for (Row row : TestConsole.await(a.app().database().pool().query(sql).execute())) {
        Map<String, Object> values = new HashMap<>();
        for (int i = 0; i < row.size(); i++) {
          Object value = row.getValue(i);
          values.put(
              row.getColumnName(i),
              value instanceof io.vertx.core.buffer.Buffer buf
                  ? new String(buf.getBytes(), StandardCharsets.ISO_8859_1)
                  : value);
        }
        lines.add(values.toString());
      }
      return String.join("\n", lines);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<Integer, Long> parallel(int n, IntFunction<Callable<Integer>> call)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Integer>> answers = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Callable<Integer> c = call.apply(i);
        answers.add(
            pool.submit(
                () -> {
                  go.await();
                  return c.call();
                }));
      }
      go.countDown();
      List<Integer> out = new ArrayList<>();
      for (Future<Integer> f : answers) {
        out.add(f.get());
      }
      assertNotNull(out);
      return out.stream().collect(Collectors.groupingBy(s -> s, Collectors.counting()));
    } finally {
      pool.shutdownNow();
    }
  }
}
