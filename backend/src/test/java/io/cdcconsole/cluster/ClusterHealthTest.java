package io.cdcconsole.cluster;

import static io.cdcconsole.test.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.sandbox.junit.FlinkSandboxExtension;
import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.Http;
import io.cdcconsole.test.TestConsole;
import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Health of registered clusters against a real Flink (the sandbox, in a JVM of its own), a closed
 * port, a port that accepts but never answers, and one that answers garbage: the broken ones never
 * hold up the healthy one.
 */
// The probe timeout is generous: a real Flink on a loaded machine may take seconds to answer, and a
// probe that gives
// up on it too soon would call a healthy cluster UNREACHABLE. Only the silent endpoint ever waits
// for it.
@ConsoleTest.Env({
  "CDC_CONSOLE_CLUSTER_HEALTH_INTERVAL=500ms",
  "CDC_CONSOLE_CLUSTER_PROBE_TIMEOUT=10s"
})
class ClusterHealthTest extends ConsoleTest {
  @RegisterExtension static final FlinkSandboxExtension FLINK = new FlinkSandboxExtension();

  private static ServerSocket silent;
  private static ServerSocket garbage;
  private static final List<JsonObject> EVENTS = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void brokenEndpoints() throws Exception {
    // accepts connections (the kernel completes them) but never reads or answers
    silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    garbage = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread answersGarbage =
        new Thread(
            () -> {
              while (!garbage.isClosed()) {
                try {
                  Socket s = garbage.accept();
                  new Thread(() -> answerGarbage(s), "garbage-answer").start();
                } catch (Exception e) {
                  // closed at the end of the class
                }
              }
            },
            "garbage-endpoint");
    answersGarbage.setDaemon(true);
    answersGarbage.start();
    console
        .app()
        .vertx()
        .eventBus()
        .<JsonObject>consumer(ClusterHealthWatcher.ADDRESS, m -> EVENTS.add(m.body()));
  }

  private static void answerGarbage(Socket socket) {
    try (socket;
        OutputStream out = socket.getOutputStream()) {
      var in = socket.getInputStream();
      StringBuilder request = new StringBuilder();
      for (int b; !request.toString().endsWith("\r\n\r\n") && (b = in.read()) >= 0; ) {
        request.append((char) b);
      }
      out.write(
          ("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 15\r\nConnection: close\r\n\r\n"
                  + "<html>no</html>")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      socket.shutdownOutput();
      in.readAllBytes(); // until the client closes: closing with unread input would reset the
      // answer away
    } catch (Exception e) {
      // the client went away
    }
  }

  @AfterAll
  static void closeEndpoints() throws Exception {
    silent.close();
    garbage.close();
  }

  @Test
  void aRealFlinkIsHealthyWithItsVersionAndSlotsAndBrokenOnesDoNotHoldItUp() throws Exception {
    Http.Response flink = http.post("/api/v1/clusters", admin, cluster("sandbox", FLINK.restUrl()));
    assertEquals(201, flink.status(), flink.body());
    JsonObject health = flink.json().getJsonObject("health");
    assertEquals("HEALTHY", health.getString("status"), health.encode());
    assertTrue(health.getString("flinkVersion").startsWith("1.20"), health.encode());
    assertEquals(1, health.getInteger("taskManagers"));
    assertTrue(health.getInteger("slotsTotal") >= 8, health.encode());
    assertTrue(health.getInteger("slotsFree") >= 1, health.encode());
    assertNotNull(health.getLong("latencyMs"));
    assertNotNull(health.getString("lastSeen"));
    long flinkId = flink.json().getLong("id");

    Http.Response closed =
        http.post(
            "/api/v1/clusters", admin, cluster("closed-port", "http://127.0.0.1:" + closedPort()));
    assertEquals("UNREACHABLE", closed.json().getJsonObject("health").getString("status"));

    long started = System.nanoTime();
    Http.Response hanging =
        http.post(
            "/api/v1/clusters",
            admin,
            cluster("silent", "http://127.0.0.1:" + silent.getLocalPort()));
    long tookMs = (System.nanoTime() - started) / 1_000_000;
    JsonObject hangingHealth = hanging.json().getJsonObject("health");
    assertEquals("UNREACHABLE", hangingHealth.getString("status"), hangingHealth.encode());
    assertTrue(hangingHealth.getString("error").contains("timeout"), hangingHealth.encode());
    assertTrue(
        tookMs >= 9_500, "the answer waited for the probe timeout (10 s), not less: " + tookMs);

    Http.Response junk =
        http.post(
            "/api/v1/clusters",
            admin,
            cluster("garbage", "http://127.0.0.1:" + garbage.getLocalPort()));
    assertEquals("UNREACHABLE", junk.json().getJsonObject("health").getString("status"));
    assertTrue(
        junk.json().getJsonObject("health").getString("error").contains("not Flink REST JSON"),
        junk.body());

    // while the silent cluster's probes hang, the real one keeps being probed on every interval
    Instant first = checkedAt(flinkId);
    Instant later =
        Instant.parse(
            waitFor(
                    flinkId,
                    h -> Instant.parse(h.getString("checkedAt")).isAfter(first.plusMillis(900)))
                .getString("checkedAt"));
    assertTrue(later.isAfter(first));
    assertEquals("HEALTHY", health(flinkId).getString("status"));
    var list = http.get("/api/v1/clusters", admin).items();
    assertTrue(list.size() >= 4, list.encode());
    assertTrue(
        list.stream()
            .allMatch(c -> ((JsonObject) c).getJsonObject("health").containsKey("status")));
  }

  @Test
  void anOutageIsSeenWithinAProbeIntervalAndPublishedOnTheEventBus() throws Exception {
    long id =
        http.post("/api/v1/clusters", admin, cluster("outage", FLINK.restUrl()))
            .json()
            .getLong("id");
    assertEquals("HEALTHY", health(id).getString("status"));
    String lastSeenBefore = health(id).getString("lastSeen");
    try {
      FLINK.stop();
      JsonObject down = waitFor(id, h -> "UNREACHABLE".equals(h.getString("status")));
      assertNotNull(down.getString("lastSeen"), "the last time it answered is kept");
      assertTrue(
          Instant.parse(down.getString("lastSeen")).compareTo(Instant.parse(lastSeenBefore)) >= 0);
      // the event bus delivers on its own schedule: the stored health may be read before the event
      // arrives
      eventually(
          () ->
              assertTrue(
                  EVENTS.stream()
                      .anyMatch(
                          e ->
                              e.getLong("clusterId") == id
                                  && "UNREACHABLE".equals(e.getString("status"))
                                  && "HEALTHY".equals(e.getString("previous"))),
                  EVENTS.toString()));
    } finally {
      FLINK.start();
    }
    waitFor(id, h -> "HEALTHY".equals(h.getString("status"))); // healthy again after the restart
  }

  /**
   * The common production set-up: Flink's REST endpoint behind a TLS-terminating proxy that asks
   * for basic auth. The proxy is real (TLS with a self-signed certificate, forwarding to the real
   * sandbox); the console must trust the certificate through the cluster's {@code tls.caPem} and
   * authenticate with the stored, encrypted password.
   */
  @Test
  void httpsWithAPrivateCaAndBasicAuthThroughAProxy() throws Exception {
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      io.vertx.core.net.SelfSignedCertificate cert =
          io.vertx.core.net.SelfSignedCertificate.create("localhost");
      String expected =
          "Basic " + java.util.Base64.getEncoder().encodeToString("flink:Proxy-Pass-9".getBytes());
      io.vertx.ext.web.client.WebClient toFlink = io.vertx.ext.web.client.WebClient.create(vertx);
      io.vertx.core.http.HttpServer proxy =
          vertx
              .createHttpServer(
                  new io.vertx.core.http.HttpServerOptions()
                      .setSsl(true)
                      .setKeyCertOptions(cert.keyCertOptions())
                      .setHost("127.0.0.1")
                      .setPort(0))
              .requestHandler(
                  req -> {
                    if (!expected.equals(req.getHeader("Authorization"))) {
                      req.response().setStatusCode(401).end();
                      return;
                    }
                    toFlink
                        .getAbs(FLINK.restUrl() + req.uri())
                        .send()
                        .onComplete(
                            ar -> {
                              if (ar.failed()) {
                                req.response().setStatusCode(502).end();
                              } else {
                                req.response()
                                    .setStatusCode(ar.result().statusCode())
                                    .putHeader("Content-Type", "application/json")
                                    .end(ar.result().bodyAsBuffer());
                              }
                            });
                  });
      int port = TestConsole.await(proxy.listen()).actualPort();
      String caPem = java.nio.file.Files.readString(java.nio.file.Path.of(cert.certificatePath()));
      String url = "https://localhost:" + port;

      JsonObject secured =
          cluster("behind-proxy", url)
              .put(
                  "auth",
                  new JsonObject()
                      .put("type", "basic")
                      .put("username", "flink")
                      .put("password", "Proxy-Pass-9"))
              .put("tls", new JsonObject().put("caPem", caPem));
      Http.Response ok = http.post("/api/v1/clusters", admin, secured);
      assertEquals(201, ok.status(), ok.body());
      assertEquals("HEALTHY", ok.json().getJsonObject("health").getString("status"), ok.body());

      Http.Response untrusted =
          http.post(
              "/api/v1/clusters",
              admin,
              cluster("untrusted-ca", url).put("auth", secured.getJsonObject("auth")));
      assertEquals(
          "UNREACHABLE",
          untrusted.json().getJsonObject("health").getString("status"),
          untrusted.body());

      Http.Response noAuth =
          http.post(
              "/api/v1/clusters",
              admin,
              cluster("no-auth", url).put("tls", new JsonObject().put("caPem", caPem)));
      JsonObject denied = noAuth.json().getJsonObject("health");
      assertEquals("UNREACHABLE", denied.getString("status"));
      assertTrue(denied.getString("error").contains("401"), denied.encode());
    } finally {
      TestConsole.await(vertx.close());
    }
  }

  private static JsonObject cluster(String name, String url) {
    return new JsonObject()
        .put("name", name)
        .put("restUrl", url)
        .put("cdc", new JsonObject().put("mode", "provided").put("version", "3.2.0"));
  }

  private static JsonObject health(long id) {
    return http.get("/api/v1/clusters/" + id, admin).json().getJsonObject("health");
  }

  private static Instant checkedAt(long id) {
    return Instant.parse(health(id).getString("checkedAt"));
  }

  /** The cluster's health once it satisfies {@code condition}. */
  private static JsonObject waitFor(long id, Predicate<JsonObject> condition) throws Exception {
    return eventually(() -> health(id), condition);
  }

  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
