package io.cdcconsole.web;

import static io.cdcconsole.test.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.Http;
import io.cdcconsole.test.LogCapture;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * U+0000 and lone UTF-16 surrogates (security review M2, L3), in bodies, query and path parameters,
 * on many routes including sign-in without credentials: a 400 naming the field, never a 500, and
 * every mutating call keeps its audit row.
 */
class UnstorableTextTest extends ConsoleTest {
  /** What a request is, and whether it is audited (mutating). */
  private record Call(String method, String path, boolean signedIn, String body, String field) {}

  @Test
  void nulAndLoneSurrogatesAreA400NamingTheFieldWithAnAuditRowAndNoErrorLogged() throws Exception {
    String viewer = console.userToken("text-viewer", "viewer");
    List<Call> calls =
        List.of(
            new Call(
                "POST",
                "/api/v1/auth/login",
                false,
                "{\"username\":\"a\\u0000b\",\"password\":\"x-wrong-pw\"}",
                "username"),
            new Call(
                "POST",
                "/api/v1/auth/login",
                false,
                "{\"username\":\"nobody-x\",\"password\":\"\\ud83d\"}",
                "password"),
            new Call(
                "POST",
                "/api/v1/auth/login",
                false,
                "{\"username\":\"nobody-x\",\"password\":\"a\\udc00b\"}",
                "password"),
            new Call(
                "PUT",
                "/api/v1/me/password",
                true,
                "{\"currentPassword\":\"\\ud83d\",\"newPassword\":\"new-Password-1\"}",
                "currentPassword"),
            new Call("GET", "/api/v1/pipelines/%00", true, null, "path"),
            new Call("GET", "/api/v1/pipelines?name=a%00b", true, null, "name"),
            new Call("GET", "/api/v1/audit?actor=%00", true, null, "actor"),
            new Call("POST", "/api/v1/tokens", true, "{\"name\":\"a\\u0000b\"}", "name"),
            new Call(
                "POST",
                "/api/v1/clusters",
                true,
                cluster("\"description\":\"x\\u0000\""),
                "description"),
            new Call(
                "POST",
                "/api/v1/clusters",
                true,
                cluster("\"labels\":{\"env\":\"a\\u0000\"}"),
                "labels.env"),
            new Call(
                "POST",
                "/api/v1/clusters",
                true,
                cluster("\"headers\":{\"X-A\":\"\\ud800\"}"),
                "headers.X-A"),
            new Call(
                "POST",
                "/api/v1/clusters",
                true,
                cluster(
                    "\"auth\":{\"type\":\"basic\",\"username\":\"u\\u0000\",\"password\":\"p\"}"),
                "auth.username"),
            new Call("PUT", "/api/v1/secrets/db-pw", true, "{\"value\":\"v\\u0000\"}", "value"),
            new Call(
                "POST",
                "/api/v1/ds/stop?pipeline=p-in&taskInstanceId=%00",
                true,
                null,
                "taskInstanceId"),
            new Call("POST", "/api/v1/ds/start", true, "{\"pipeline\":\"p\\u0000\"}", "pipeline"),
            new Call(
                "PUT",
                "/api/v1/ds-connections/%00",
                true,
                "{\"url\":\"http://ds:1\",\"version\":\"3.3\",\"token\":\"t\"}",
                "path"),
            new Call(
                "POST",
                "/api/v1/pipelines/validate",
                true,
                "{\"yaml\":\"a: b\",\"cluster\":\"\\ud83d\"}",
                "cluster"));

    long auditBefore = auditTotal();
    int mutating = 0;
    List<String> failures = new ArrayList<>();
    try (LogCapture log = LogCapture.attach()) {
      for (Call call : calls) {
        String token =
            call.signedIn() ? (call.path().startsWith("/api/v1/me/") ? viewer : admin) : null;
        Http.Response r = http.send(call.method(), call.path(), token, call.body(), null);
        if (r.status() != 400
            || !r.contentType().startsWith("application/problem+json")
            || !r.json().getString("detail", "").startsWith(call.field() + ":")) {
          failures.add(
              call.method()
                  + " "
                  + call.path()
                  + " "
                  + call.body()
                  + " -> "
                  + r.status()
                  + " "
                  + r.body());
        }
        if (!call.method().equals("GET")) {
          mutating++;
        }
      }
      assertTrue(failures.isEmpty(), String.join("\n", failures));
      String text = log.text();
      assertFalse(text.contains("Internal error"), text);
      assertFalse(text.contains("Could not write the audit row"), text);
    }
    // every refused mutating call has its row (GETs are not audited); the auditor's own reads are
    // not either
    long expected = auditBefore + mutating;
    assertEquals(
        expected, (long) eventually(UnstorableTextTest::auditTotal, total -> total >= expected));
    assertEquals(200, http.get("/health", null).status());
  }

  private static String cluster(String extra) {
    return "{\"name\":\"c-text\",\"restUrl\":\"http://127.0.0.1:1\",\"cdc\":{\"mode\":\"provided\",\"version\":\"3.2.0\"},"
        + extra
        + "}";
  }

  private static long auditTotal() {
    return http.get("/api/v1/audit?limit=1", admin).json().getLong("total");
  }
}
