package io.cdcconsole.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.Http;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

@ConsoleTest.Env("CDC_CONSOLE_HTTP_MAX_BODY_SIZE=4096")
class ProblemAndSpaTest extends ConsoleTest {

  @Test
  void malformedJsonIs400() {
    for (String body : new String[] {"{\"username\": ", "[1,2,3]", "just text", ""}) {
      Http.Response r = http.send("POST", "/api/v1/users", admin, body, null);
      assertProblem(r, 400);
      assertFalse(r.body().contains("Exception"), r.body());
    }
    assertProblem(
        http.send("POST", "/api/v1/auth/login", null, "{\"username\": \"admin\", ", null), 400);
  }

  @Test
  void validationErrorsNameTheirFields() {
    Http.Response r =
        http.post("/api/v1/auth/login", null, new JsonObject().put("username", "admin"));
    assertProblem(r, 400);
    JsonObject error = r.json().getJsonArray("errors").getJsonObject(0);
    assertEquals("password", error.getString("path"));
    assertEquals("is required", error.getString("message"));
  }

  @Test
  void missingOrBadCredentialsAre401() {
    Http.Response r = http.get("/api/v1/me", null);
    assertProblem(r, 401);
    assertTrue(r.header("WWW-Authenticate").startsWith("Bearer"));
  }

  @Test
  void insufficientRoleIs403() {
    assertProblem(http.get("/api/v1/audit", console.userToken("pat", "viewer")), 403);
  }

  @Test
  void unknownApiPathsAre404ProblemsNotTheSpa() {
    assertProblem(http.get("/api/v1/nothing-here", admin), 404);
    assertProblem(http.get("/api/v2/users", admin), 404);
    assertProblem(http.get("/api/v1/nothing-here", null), 404);
    assertProblem(http.get("/api/v1/users/abc", admin), 404);
  }

  @Test
  void oversizedBodiesAre413AndTheServerStaysUp() {
    String big =
        new JsonObject().put("username", "big").put("password", "x".repeat(10_000)).encode();
    Http.Response r = http.send("POST", "/api/v1/users", admin, big, null);
    assertProblem(r, 413);
    assertTrue(r.json().getString("detail").contains("4096"));
    assertEquals(200, http.get("/health", null).status());
    assertEquals(200, http.get("/api/v1/me", admin).status());
  }

  @Test
  void requestLinesAndHeadersBeyondTheDecoderLimitsAreProblemsToo() throws Exception {
    // refused by the HTTP decoder before any route runs; Vert.x's own answer has no body
    assertRawProblem(
        "GET /api/v1/users/" + "x".repeat(10_000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 414);
    assertRawProblem(
        "GET /api/v1/me HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "x".repeat(70_000) + "\r\n\r\n",
        431);
    assertRawProblem("NOT HTTP AT ALL\u0000\r\n\r\n", 400);
    assertEquals(200, http.get("/api/v1/me", admin).status());
  }

  /**
   * One request written as is on a socket of its own (an HTTP client would not send these); the
   * answer is read to its end.
   */
  private void assertRawProblem(String request, int status) throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", console.app().port())) {
      socket.setSoTimeout(30_000);
      socket
          .getOutputStream()
          .write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      String answer =
          new String(
              socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      // the decoder gave up before it read the version, so the answer may be HTTP/1.0
      assertTrue(answer.matches("(?s)HTTP/1\\.[01] " + status + " .*"), answer);
      assertTrue(answer.toLowerCase().contains("content-type: application/problem+json"), answer);
      JsonObject problem = new JsonObject(answer.substring(answer.indexOf("\r\n\r\n") + 4));
      assertEquals(status, problem.getInteger("status"));
      assertNotNull(problem.getString("detail"));
    }
  }

  @Test
  void healthAndReadiness() {
    Http.Response health = http.get("/health", null);
    assertEquals(200, health.status());
    assertEquals("UP", health.json().getString("status"));
    Http.Response ready = http.get("/ready", null);
    assertEquals(200, ready.status());
    assertEquals("UP", ready.json().getJsonObject("checks").getString("database"));
  }

  @Test
  void theSpaIsServedAtTheRootAndAtDeepClientRoutes() {
    assumeTrue(
        getClass().getClassLoader().getResource("webroot/index.html") != null,
        "the frontend was not built (-Dskip.frontend)");
    Http.Response root = http.get("/", null);
    assertEquals(200, root.status());
    assertTrue(root.contentType().startsWith("text/html"), root.contentType());
    assertTrue(root.body().contains("<div id=\"root\">"), root.body());
    assertEquals("nosniff", root.header("X-Content-Type-Options"));

    Http.Response deep = http.get("/pipelines/orders-to-doris/runs", null);
    assertEquals(200, deep.status());
    assertEquals(root.body(), deep.body());
    assertEquals("no-cache", deep.header("Cache-Control"));

    String asset = root.body().replaceAll("(?s).*src=\"(/assets/[^\"]+\\.js)\".*", "$1");
    Http.Response js = http.get(asset, null);
    assertEquals(200, js.status(), asset);
    assertTrue(js.header("Cache-Control").contains("immutable"));
    assertProblem(http.get("/assets/missing-file.js", null), 404);
  }

  private static void assertProblem(Http.Response r, int status) {
    assertEquals(status, r.status(), r.body());
    assertEquals("application/problem+json", r.contentType());
    JsonObject p = r.json();
    assertEquals(status, p.getInteger("status"));
    assertNotNull(p.getString("title"));
    assertNotNull(p.getString("detail"));
    assertTrue(p.getString("type").startsWith("urn:cdc-console:problem:"));
    assertFalse(r.body().contains("\tat "), "no stack trace");
  }
}
