package io.cdcconsole.metrics;

import static io.cdcconsole.test.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.run.RunEvents;
import io.cdcconsole.test.Http;
import io.cdcconsole.test.PrometheusText;
import io.cdcconsole.test.TestConsole;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics} of a console whose Vert.x reports into the registry, as {@code Main} builds
 * it: scraped, parsed strictly as Prometheus text, its families and labels checked, and counters
 * seen to move.
 */
class MetricsTest {
  private static final String TOKEN = "metrics-token-0123456789";
  private static Vertx vertx;
  private static TestConsole console;
  private static Http http;
  private static String admin;
  private static int managementPort;

  @BeforeAll
  static void start() throws Exception {
    PrometheusMeterRegistry registry = ConsoleMetrics.newRegistry();
    vertx = ConsoleMetrics.vertxBuilder(new VertxOptions(), registry).build();
    Map<String, String> env = TestConsole.defaultEnv();
    env.put("CDC_CONSOLE_METRICS_TOKEN", TOKEN);
    try (ServerSocket s = new ServerSocket(0)) {
      managementPort = s.getLocalPort();
    }
    env.put("CDC_CONSOLE_METRICS_PORT", Integer.toString(managementPort));
    console = TestConsole.start(vertx, env, registry);
    http = console.http();
    admin = console.adminToken();
  }

  @AfterAll
  static void stop() throws Exception {
    if (console != null) {
      console.close();
    }
    TestConsole.await(vertx.close());
  }

  private static Map<String, PrometheusText.Family> scrape() {
    Http.Response r = http.get("/metrics", TOKEN);
    assertEquals(200, r.status(), r.body());
    assertTrue(r.contentType().startsWith("text/plain; version=0.0.4"), r.contentType());
    return PrometheusText.parse(r.body());
  }

  private static double value(
      Map<String, PrometheusText.Family> families,
      String family,
      String sample,
      Map<String, String> labels) {
    PrometheusText.Family f = families.get(family);
    if (f == null) {
      return 0;
    }
    return f.find(sample, labels).stream().mapToDouble(PrometheusText.Sample::value).sum();
  }

  @Test
  void theScrapeIsValidPrometheusTextWithTheFamiliesAndBoundedLabels() throws Exception {
    assertEquals(404, http.get("/api/v1/clusters/987654", admin).status());
    Map<String, PrometheusText.Family> families =
        eventually(
            MetricsTest::scrape,
            f ->
                f.containsKey("cdc_ds_deliveries")
                    && f.containsKey("vertx_http_server_requests_total"));

    // HTTP by route template, method and status: the raw path (with its id) is never a label value
    PrometheusText.Family requests = families.get("vertx_http_server_requests_total");
    assertEquals("counter", requests.type());
    assertFalse(
        requests
            .find(
                "vertx_http_server_requests_total",
                Map.of("route", "/api/v1/clusters/:id", "method", "GET", "code", "404"))
            .isEmpty(),
        requests.toString());
    assertEquals("histogram", families.get("vertx_http_server_response_time_seconds").type());
    families
        .values()
        .forEach(
            f ->
                f.samples()
                    .forEach(
                        s ->
                            assertFalse(
                                s.labels().containsValue("/api/v1/clusters/987654"),
                                s.toString())));
    assertFalse(
        families.keySet().stream().anyMatch(n -> n.contains("path")), families.keySet().toString());

    // the SQL pool: use and waits
    assertFalse(
        families
            .get("vertx_pool_in_use")
            .find("vertx_pool_in_use", Map.of("pool_type", "sql"))
            .isEmpty());
    assertTrue(families.containsKey("vertx_pool_queue_pending"), families.keySet().toString());
    assertEquals("histogram", families.get("vertx_pool_queue_time_seconds").type());

    // the console's own
    assertFalse(
        families
            .get("cdc_event_loop_delay_seconds")
            .find("cdc_event_loop_delay_seconds_count", Map.of("loop", "0"))
            .isEmpty());
    assertEquals(
        0.0,
        value(families, "cdc_ds_deliveries", "cdc_ds_deliveries", Map.of("status", "PENDING")));
    assertEquals(
        0.0, value(families, "cdc_ds_deliveries", "cdc_ds_deliveries", Map.of("status", "FAILED")));
    assertTrue(
        families.containsKey("cdc_metrics_refresh_age_seconds"), families.keySet().toString());

    // lease ownership: the clusters this console holds in the database
    assertTrue(families.containsKey("cdc_cluster_leases_held"), families.keySet().toString());
    eventually(
        () -> {
          long held =
              TestConsole.await(
                      console
                          .app()
                          .database()
                          .pool()
                          .preparedQuery(
                              "select count(*) as n from cluster_lease "
                                  + "where claimed_by = $1 and lease_until > now()")
                          .execute(Tuple.of(console.app().replica())))
                  .iterator()
                  .next()
                  .getLong("n");
          assertEquals(
              (double) held,
              value(scrape(), "cdc_cluster_leases_held", "cdc_cluster_leases_held", Map.of()));
        });
  }

  @Test
  void aRequestMovesTheRequestCounterOfItsRoute() throws Exception {
    Map<String, String> labels =
        Map.of("route", "/api/v1/pipelines", "method", "GET", "code", "200");
    double before =
        value(
            scrape(),
            "vertx_http_server_requests_total",
            "vertx_http_server_requests_total",
            labels);
    assertEquals(200, http.get("/api/v1/pipelines", admin).status());
    eventually(
        () ->
            value(
                scrape(),
                "vertx_http_server_requests_total",
                "vertx_http_server_requests_total",
                labels),
        after -> after == before + 1);
  }

  @Test
  void aRunTransitionMovesTheTransitionCounterAndASubmissionItsTimer() throws Exception {
    Map<String, PrometheusText.Family> before = scrape();
    double failed =
        value(
            before,
            "cdc_run_transitions_total",
            "cdc_run_transitions_total",
            Map.of("to", "FAILED_TO_SUBMIT"));
    double submits =
        value(
            before,
            "cdc_run_submit_seconds",
            "cdc_run_submit_seconds_count",
            Map.of("outcome", "failed"));
    // what RunEvents publishes for a start whose submission failed
    console
        .app()
        .vertx()
        .eventBus()
        .publish(
            RunEvents.ADDRESS,
            new JsonObject()
                .put("id", 1)
                .put("runId", 4242)
                .put("pipeline", "p")
                .putNull("from")
                .put("to", "SUBMITTING"));
    console
        .app()
        .vertx()
        .eventBus()
        .publish(
            RunEvents.ADDRESS,
            new JsonObject()
                .put("id", 2)
                .put("runId", 4242)
                .put("pipeline", "p")
                .put("from", "SUBMITTING")
                .put("to", "FAILED_TO_SUBMIT"));
    Map<String, PrometheusText.Family> after =
        eventually(
            MetricsTest::scrape,
            f ->
                value(
                        f,
                        "cdc_run_submit_seconds",
                        "cdc_run_submit_seconds_count",
                        Map.of("outcome", "failed"))
                    == submits + 1);
    assertEquals(
        failed + 1,
        value(
            after,
            "cdc_run_transitions_total",
            "cdc_run_transitions_total",
            Map.of("to", "FAILED_TO_SUBMIT")));
  }

  @Test
  void aClusterThatDoesNotAnswerShowsInHealthAndFlinkCallErrors() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Http.Response created =
        http.post(
            "/api/v1/clusters",
            admin,
            new JsonObject()
                .put("name", "metrics-nowhere")
                .put("restUrl", "http://127.0.0.1:" + port)
                .put("cdc", new JsonObject().put("mode", "provided").put("version", "3.2.0")));
    assertEquals(201, created.status(), created.body());
    Map<String, String> cluster = Map.of("cluster", "metrics-nowhere");
    Map<String, PrometheusText.Family> families =
        eventually(
            MetricsTest::scrape,
            f ->
                f.containsKey("cdc_cluster_status")
                    && !f.get("cdc_cluster_status").find("cdc_cluster_status", cluster).isEmpty());
    assertEquals(
        0.0,
        value(families, "cdc_cluster_status", "cdc_cluster_status", cluster),
        "0: unreachable");
    assertTrue(
        value(
                families,
                "cdc_flink_rest_seconds",
                "cdc_flink_rest_seconds_count",
                Map.of("cluster", "metrics-nowhere", "outcome", "unreachable"))
            >= 1);
  }

  @Test
  void anActiveRunOnAClusterThatDoesNotAnswerIsCountedLookedAtAndStale() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Http.Response cluster =
        http.post(
            "/api/v1/clusters",
            admin,
            new JsonObject()
                .put("name", "metrics-runs")
                .put("restUrl", "http://127.0.0.1:" + port)
                .put("cdc", new JsonObject().put("mode", "provided").put("version", "3.2.0")));
    assertEquals(201, cluster.status(), cluster.body());
    Http.Response pipeline =
        http.post(
            "/api/v1/pipelines",
            admin,
            new JsonObject()
                .put("name", "metrics-pipe")
                .put("clusterId", cluster.json().getLong("id"))
                .put("yaml", "source:\n  type: values\nsink:\n  type: values\n"));
    assertEquals(201, pipeline.status(), pipeline.body());
    // a run as a start leaves it once Flink accepted the job (no Flink here: written as the console
    // writes it)
    var db = console.config().database();
    try (Connection c =
            DriverManager.getConnection(
                db.url().orElseThrow(), db.user(), db.password().map(p -> p.value()).orElse(""));
        Statement st = c.createStatement()) {
      st.execute(
          "insert into pipeline_run (pipeline_id, pipeline_version, cluster_id, job_id, state) values ("
              + pipeline.json().getLong("id")
              + ", 1, "
              + cluster.json().getLong("id")
              + ", '"
              + "cd".repeat(16)
              + "', 'RUNNING')");
    }
    Map<String, String> where = Map.of("cluster", "metrics-runs");
    Map<String, PrometheusText.Family> families =
        eventually(
            MetricsTest::scrape,
            f ->
                value(
                            f,
                            "cdc_runs",
                            "cdc_runs",
                            Map.of("cluster", "metrics-runs", "state", "RUNNING"))
                        == 1
                    && value(
                            f,
                            "cdc_run_watcher_tick_seconds",
                            "cdc_run_watcher_tick_seconds_count",
                            where)
                        >= 1
                    && value(f, "cdc_runs_stale", "cdc_runs_stale", where) == 1);
    assertEquals("gauge", families.get("cdc_runs").type());
    assertEquals("histogram", families.get("cdc_run_watcher_tick_seconds").type());
  }

  @Test
  void theHttpPortServesMetricsOnlyToTheToken() {
    Http.Response none = http.get("/metrics", null);
    assertEquals(401, none.status());
    assertTrue(none.contentType().startsWith("application/problem+json"), none.contentType());
    assertEquals(none.header("X-Request-Id"), none.json().getString("requestId"));
    assertEquals(401, http.get("/metrics", "metrics-token-wrong-guess").status());
    assertEquals(401, http.get("/metrics", admin).status(), "a session is not the metrics token");
  }

  @Test
  void theManagementPortServesMetricsOnLoopbackWithoutAToken() throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    assertTrue(PrometheusText.parse(r.body()).containsKey("cdc_event_loop_delay_seconds"));
    // a counter an alert rule reads exists before its first increment
    assertTrue(r.body().contains("\ncdc_event_streams_dropped_total 0.0"), r.body());
    assertEquals(
        404,
        client
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .statusCode());
  }
}
