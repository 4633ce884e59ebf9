package io.cdcconsole.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.Http;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Browser hardening (security review L7): every answer, SPA, API and problem alike, carries a CSP
 * that only lets this origin's scripts run and no one frame the console, and the DS snippet names
 * the console's own address, not the Host header of whoever asked for it.
 */
class BrowserHardeningTest extends ConsoleTest {

  @Test
  void everyAnswerCarriesTheSecurityHeaders() {
    String viewer = console.userToken("hardened", "viewer");
    for (Http.Response r :
        List.of(
            http.get("/", null),
            http.get("/pipelines", null),
            http.get("/health", null),
            http.get("/api/v1/me", viewer),
            http.get("/api/v1/me", null),
            http.get("/api/v1/no-such-thing", viewer))) {
      String csp = r.header("Content-Security-Policy");
      assertTrue(
          csp != null
              && csp.contains("script-src 'self'")
              && csp.contains("frame-ancestors 'none'")
              && csp.contains("object-src 'none'")
              && !csp.contains("unsafe-eval"),
          r.status() + " " + csp);
      assertFalse(
          csp.substring(csp.indexOf("script-src")).split(";")[0].contains("unsafe-inline"), csp);
      assertEquals("nosniff", r.header("X-Content-Type-Options"));
      assertEquals("no-referrer", r.header("Referrer-Policy"));
      assertEquals("DENY", r.header("X-Frame-Options"));
      // plain HTTP here: HSTS belongs to whoever terminates TLS
      assertNull(r.header("Strict-Transport-Security"));
    }
  }

  @Test
  void theDsSnippetDoesNotReflectTheHostHeader() throws Exception {
    long cluster =
        http.post(
                "/api/v1/clusters",
                admin,
                new JsonObject()
                    .put("name", "c-snippet")
                    .put("restUrl", "http://127.0.0.1:1")
                    .put("cdc", new JsonObject().put("mode", "provided").put("version", "3.2.0")))
            .json()
            .getLong("id");
    assertEquals(
        201,
        http.post(
                "/api/v1/pipelines",
                admin,
                new JsonObject()
                    .put("name", "p-snippet")
                    .put("clusterId", cluster)
                    .put("yaml", "source:\n  type: values\nsink:\n  type: values\n"))
            .status());
    int port = console.app().port();
    String answer;
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      socket
          .getOutputStream()
          .write(
              ("GET /api/v1/pipelines/p-snippet/ds-snippet HTTP/1.1\r\nHost: evil.example:666\r\n"
                      + "Authorization: Bearer "
                      + admin
                      + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all);
      answer = all.toString(StandardCharsets.UTF_8);
    }
    assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
    assertFalse(answer.contains("evil.example"), answer);
    assertTrue(answer.contains("http://127.0.0.1:" + port + "/api/v1/ds/"), answer);
  }
}
