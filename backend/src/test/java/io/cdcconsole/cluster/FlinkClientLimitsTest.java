package io.cdcconsole.cluster;

import static io.cdcconsole.test.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.config.SecretCipher;
import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.TestConsole;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Security review L10: one Flink client per cluster version however many callers race for it, and a
 * "JobManager" that answers without end cannot make the console buffer it (a stand-in: no real
 * Flink sends such answers).
 */
class FlinkClientLimitsTest extends ConsoleTest {
  private static final int HUGE_MIB = 40;
  private static HttpServer endless;

  @BeforeAll
  static void startEndlessServer() throws Exception {
    Vertx vertx = console.app().vertx();
    Buffer mib = Buffer.buffer(new byte[1024 * 1024]);
    endless =
        TestConsole.await(
            vertx
                .createHttpServer()
                .requestHandler(
                    req -> {
                      // a JSON string 40 MiB long, in 1 MiB chunks, each sent once the previous one
                      // is written
                      req.response().setChunked(true).putHeader("Content-Type", "application/json");
                      req.response().write("{\"flink-version\":\"");
                      sendChunks(req.response(), mib, HUGE_MIB);
                    })
                .listen(0, "127.0.0.1"));
  }

  private static void sendChunks(
      io.vertx.core.http.HttpServerResponse response, Buffer chunk, int left) {
    if (left == 0) {
      response.end("\"}");
      return;
    }
    response.write(chunk).onSuccess(v -> sendChunks(response, chunk, left - 1));
  }

  @AfterAll
  static void stopEndlessServer() throws Exception {
    TestConsole.await(endless.close());
  }

  private static Cluster cluster(long id, int version, String restUrl) {
    return new Cluster(
        id,
        "c" + id,
        restUrl,
        Cluster.Auth.NONE,
        Map.of(),
        new Cluster.Tls(false, null),
        Map.of(),
        "",
        new Cluster.Cdc("provided", "3.2.0"),
        version,
        Instant.now(),
        Instant.now());
  }

  @Test
  void racingCallersShareOneClientPerClusterVersion() throws Exception {
    ClusterClients clients =
        new ClusterClients(
            console.app().vertx(),
            new SecretCipher("a-master-key-for-this-test-only-0123456789"),
            Duration.ofSeconds(5));
    int callers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      for (int round = 1; round <= 200; round++) {
        Cluster cluster = cluster(round, 1, "http://127.0.0.1:1");
        CyclicBarrier together = new CyclicBarrier(callers);
        List<java.util.concurrent.Future<Future<FlinkRestClient>>> calls = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
          calls.add(
              pool.submit(
                  () -> {
                    together.await();
                    return clients.of(cluster);
                  }));
        }
        Set<Future<FlinkRestClient>> built = Collections.newSetFromMap(new IdentityHashMap<>());
        for (var call : calls) {
          built.add(call.get());
        }
        assertEquals(
            1,
            built.size(),
            "round " + round + ": " + built.size() + " clients built for one cluster");
      }
      // a caller holding an older version of a cluster gets the newer client instead of replacing
      // it
      Future<FlinkRestClient> v2 = clients.of(cluster(1, 2, "http://127.0.0.1:2"));
      assertSame(v2, clients.of(cluster(1, 1, "http://127.0.0.1:1")));
      assertSame(v2, clients.of(cluster(1, 2, "http://127.0.0.1:2")));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void anAnswerWithoutEndIsCutAtTheCapAndTheConsoleStaysUp() throws Exception {
    String url = "http://127.0.0.1:" + endless.actualPort();
    FlinkRestClient client =
        new FlinkRestClient(
            console.app().vertx(),
            url,
            Map.of(),
            new Cluster.Tls(false, null),
            Duration.ofSeconds(60));
    try {
      ExecutionException failed =
          org.junit.jupiter.api.Assertions.assertThrows(
              ExecutionException.class, () -> TestConsole.await(client.getJson("/overview")));
      assertInstanceOf(
          FlinkRestClient.AnswerTooLargeException.class, failed.getCause(), failed.toString());
    } finally {
      client.close();
    }

    // the same through the console: the cluster is unreachable with the reason, and the console
    // answers on
    long id =
        http.post(
                "/api/v1/clusters",
                admin,
                new JsonObject()
                    .put("name", "endless")
                    .put("restUrl", url)
                    .put("cdc", new JsonObject().put("mode", "provided").put("version", "3.2.0")))
            .json()
            .getLong("id");
    JsonObject health =
        eventually(
            () -> http.get("/api/v1/clusters/" + id, admin).json().getJsonObject("health"),
            h -> "UNREACHABLE".equals(h.getString("status")));
    assertTrue(health.getString("error").contains("larger than 16 MiB"), health.encode());
    assertEquals(200, http.get("/health", null).status());
  }
}
