package io.cdcconsole.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.cluster.FlinkRestClient.FlinkRestException;
import io.cdcconsole.test.TestConsole;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the console makes of a "JobManager" that answers in another shape than Flink's, and how it
 * names metrics in a query: a stand-in server (no real Flink answers a number for a job's id).
 */
class FlinkAnswerShapesTest {
  private static Vertx vertx;
  private static HttpServer server;
  private static FlinkGateway flink;
  private static final List<String> asked = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    server =
        TestConsole.await(
            vertx
                .createHttpServer()
                .requestHandler(
                    req -> {
                      String body =
                          switch (req.path()) {
                            case "/jobs/overview" -> "{\"jobs\": [7]}";
                            case "/jobs/j1/checkpoints" -> "{\"counts\": \"many\"}";
                            case "/jars/upload" -> "{\"status\": \"success\"}";
                            case "/jobs/j1/vertices/v1/subtasks/metrics" -> {
                              asked.add(req.getParam("get"));
                              yield "[]";
                            }
                            default -> "{}";
                          };
                      // answered once the request is read (an upload has a body)
                      req.body()
                          .onComplete(
                              read ->
                                  req.response()
                                      .putHeader("Content-Type", "application/json")
                                      .end(body));
                    })
                .listen(0, "127.0.0.1"));
    flink =
        new FlinkGateway(
            "odd",
            new FlinkRestClient(
                vertx,
                "http://127.0.0.1:" + server.actualPort(),
                Map.of(),
                new Cluster.Tls(false, null),
                Duration.ofSeconds(10)));
  }

  @AfterAll
  static void stop() throws Exception {
    TestConsole.await(vertx.close());
  }

  @Test
  void anAnswerOfAnotherShapeIsTheClustersErrorNamingTheEndpoint() throws Exception {
    assertNotFlinks(flink.jobs(), "/jobs/overview");
    assertNotFlinks(flink.checkpoints("j1"), "/jobs/{id}/checkpoints");
    // no "filename" in the answer to an upload
    Path jar = Files.createTempFile("launcher", ".jar");
    try {
      assertNotFlinks(flink.uploadJar("launcher.jar", jar), "/jars/upload");
    } finally {
      Files.delete(jar);
    }
  }

  @Test
  void metricNamesAreSentEncodedAndArriveAsTheyAre() throws Exception {
    List<String> names =
        List.of(
            "0.Source: orders & more #1.currentFetchEventTimeLag", "0.Sink__doris%.numRecordsIn");
    TestConsole.await(flink.subtaskMetrics("j1", "v1", names));
    assertEquals(List.of(String.join(",", names)), asked);
  }

  private static void assertNotFlinks(Future<?> answer, String endpoint) {
    ExecutionException error =
        assertThrows(ExecutionException.class, () -> TestConsole.await(answer), endpoint);
    FlinkRestException flinks = assertInstanceOf(FlinkRestException.class, error.getCause());
    assertTrue(
        flinks.getMessage().contains(endpoint) && flinks.getMessage().contains("Flink's shape"),
        flinks.getMessage());
  }
}
