package io.cdcconsole.ds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.Http;
import io.cdcconsole.test.TestConsole;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * "Test connection" against a stand-in DS API server that behaves as DS's login interceptor does: a
 * known token reaches {@code users/get-user-info}, any other gets 401 without a body. The token
 * never comes back.
 */
class DsConnectionProbeTest extends ConsoleTest {
  private static final String GOOD = "ds-probe-token-0123456789";
  private static final List<String> PATHS = new CopyOnWriteArrayList<>();
  private static Vertx vertx;
  private static int dsPort;

  @BeforeAll
  static void standInDolphinScheduler() throws Exception {
    vertx = Vertx.vertx();
    HttpServer server =
        vertx
            .createHttpServer()
            .requestHandler(
                req -> {
                  PATHS.add(req.method() + " " + req.path());
                  if (!GOOD.equals(req.getHeader("token"))) {
                    req.response().setStatusCode(401).end();
                  } else if (req.path().equals("/dolphinscheduler/users/get-user-info")) {
                    req.response()
                        .putHeader("Content-Type", "application/json")
                        .end(
                            new JsonObject()
                                .put("code", 0)
                                .put("msg", "success")
                                .put(
                                    "data",
                                    new JsonObject().put("id", 7).put("userName", "etl-bot"))
                                .encode());
                  } else {
                    req.response().setStatusCode(404).end();
                  }
                });
    dsPort = TestConsole.await(server.listen(0, "127.0.0.1")).actualPort();
  }

  @AfterAll
  static void stopStandIn() throws Exception {
    TestConsole.await(vertx.close());
  }

  private JsonObject test(String name) {
    Http.Response r =
        http.post("/api/v1/ds-connections/" + name + "/test", admin, new JsonObject());
    assertEquals(200, r.status(), r.body());
    assertFalse(r.body().contains(GOOD), "the token never comes back: " + r.body());
    return r.json();
  }

  private void connection(String name, String url, String version, String token) {
    Http.Response r =
        http.post(
            "/api/v1/ds-connections",
            admin,
            new JsonObject()
                .put("name", name)
                .put("url", url)
                .put("version", version)
                .put("token", token));
    assertEquals(201, r.status(), r.body());
  }

  @Test
  void aGoodTokenSignsInOnBothVersions() {
    connection("probe-33", "http://127.0.0.1:" + dsPort, "3.3", GOOD);
    connection("probe-32", "http://127.0.0.1:" + dsPort + "/dolphinscheduler/", "3.2", GOOD);
    for (String name : List.of("probe-33", "probe-32")) {
      PATHS.clear();
      JsonObject answer = test(name);
      assertTrue(answer.getBoolean("reachable"), answer.encode());
      assertTrue(answer.getBoolean("authenticated"), answer.encode());
      assertEquals("etl-bot", answer.getString("user"));
      assertEquals(
          List.of("GET /dolphinscheduler/users/get-user-info"), PATHS, "one cheap read-only call");
    }
  }

  @Test
  void aWrongTokenIsReachableButNotAuthenticated() {
    String wrong = "ds-wrong-token-9876543210";
    connection("probe-wrong", "http://127.0.0.1:" + dsPort, "3.3", wrong);
    JsonObject answer = test("probe-wrong");
    assertTrue(answer.getBoolean("reachable"));
    assertFalse(answer.getBoolean("authenticated"));
    assertEquals(401, answer.getInteger("httpStatus"));
    assertFalse(answer.encode().contains(wrong));
  }

  @Test
  void aServerThatIsNotThereIsNotReachable() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    connection("probe-gone", "http://127.0.0.1:" + closed, "3.2", GOOD);
    JsonObject answer = test("probe-gone");
    assertFalse(answer.getBoolean("reachable"), answer.encode());
    assertFalse(answer.getBoolean("authenticated"));
    assertTrue(
        answer.getString("message").startsWith("DolphinScheduler cannot be reached"),
        answer.getString("message"));
  }

  @Test
  void onlyAdminsTestAndAnUnknownConnectionIs404() {
    connection("probe-roles", "http://127.0.0.1:" + dsPort, "3.3", GOOD);
    String operator = console.userToken("probe-operator", "operator");
    assertEquals(
        403,
        http.post("/api/v1/ds-connections/probe-roles/test", operator, new JsonObject()).status());
    assertEquals(
        404,
        http.post("/api/v1/ds-connections/nothing-here/test", admin, new JsonObject()).status());
  }
}
