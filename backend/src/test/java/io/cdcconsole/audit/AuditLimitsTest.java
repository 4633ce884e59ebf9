package io.cdcconsole.audit;

import static io.cdcconsole.test.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.Http;
import io.cdcconsole.test.LogCapture;
import io.cdcconsole.test.TestConsole;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Audit rows survive hostile input (security review M1, M2): sign-in names are capped before the
 * throttle and the audit, every audited text is cut, and a row the database refuses is replaced by
 * a fallback row.
 */
class AuditLimitsTest extends ConsoleTest {

  @Test
  void aSignInNameLongerThan64IsRefusedBeforeThrottleAndAuditAndStillAudited() throws Exception {
    String huge = "u".repeat(200_000);
    try (LogCapture log = LogCapture.attach()) {
      for (int i = 0; i < 8; i++) {
        Http.Response r =
            http.post(
                "/api/v1/auth/login",
                null,
                new JsonObject().put("username", huge).put("password", "x-wrong-pw"));
        // refused as input every time: never counted, so never 429 for a name that cannot exist
        assertEquals(400, r.status(), r.body());
        assertTrue(r.json().getString("detail").startsWith("username:"), r.body());
      }
      assertEquals(
          401,
          http.post(
                  "/api/v1/auth/login",
                  null,
                  new JsonObject().put("username", "n".repeat(64)).put("password", "x-wrong-pw"))
              .status());
      JsonObject rows =
          eventually(
              () -> http.get("/api/v1/audit?action=session.login&outcome=failure", admin).json(),
              page -> page.getLong("total") >= 8);
      assertEquals(8, rows.getLong("total"), "one row for each refused name");
      JsonObject denied =
          eventually(
              () -> http.get("/api/v1/audit?action=session.login&outcome=denied", admin).json(),
              page -> page.getLong("total") >= 1);
      assertEquals(
          "n".repeat(64), denied.getJsonArray("items").getJsonObject(0).getString("actor"));
      assertFalse(
          rows.encode().contains("u".repeat(300)), "no audited name is longer than the cap");
      assertFalse(log.text().contains("u".repeat(300)), "nor logged");
    }
  }

  @Test
  void longAuditedTextIsCutAndMarked() throws Exception {
    String id = "x".repeat(1000);
    assertEquals(404, http.delete("/api/v1/pipelines/" + id, admin, "\"1\"").status());
    JsonObject row =
        eventually(
                () -> http.get("/api/v1/audit?action=pipeline.delete", admin).items(),
                items -> !items.isEmpty())
            .getJsonObject(0);
    String kept = row.getString("resourceId");
    assertTrue(kept.startsWith("x".repeat(Audit.MAX_TEXT)) && kept.length() < 300, kept);
    assertTrue(kept.endsWith("(744 more characters)"), kept);
  }

  @Test
  void aRowTheDatabaseRefusesIsReplacedByAFallbackRow() throws Exception {
    Audit audit = new Audit(new AuditStore(console.app().database().pool()), null);
    // a row the database refuses (here: an outcome its check constraint does not know), with a NUL
    // in the actor
    AuditEvent refused =
        new AuditEvent(
            null,
            Instant.now(),
            null,
            "fallback-actor\u0000",
            "ds.stop",
            "ds",
            "p-in",
            "unheard-of",
            200,
            "127.0.0.1",
            new JsonObject().put("taskInstanceId", "7"));
    try (LogCapture log = LogCapture.attach()) {
      TestConsole.await(audit.write(refused));
      assertTrue(log.text().contains("writing a fallback row"), log.text());
    }
    JsonObject row = http.get("/api/v1/audit?action=ds.stop", admin).items().getJsonObject(0);
    assertEquals("fallback-actor\uFFFD", row.getString("actor"));
    assertEquals("success", row.getString("outcome"));
    assertEquals(200, row.getInteger("status"));
    assertEquals(true, row.getJsonObject("detail").getBoolean("auditFallback"));
  }
}
