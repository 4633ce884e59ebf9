package io.cdcconsole.audit;

import static io.cdcconsole.test.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.Http;
import io.cdcconsole.test.LogCapture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class AuditApiTest extends ConsoleTest {

  @Test
  void everyMutatingCallLeavesARowWithoutSecrets() throws Exception {
    String userPassword = "Audit-Secret-Pass-1";
    String resetPassword = "Audit-Reset-Pass-2";
    String newOwnPassword = "Audit-Own-Pass-3";
    String tokenSecret;
    try (LogCapture logs = LogCapture.attach()) {
      Http.Response created =
          http.post(
              "/api/v1/users",
              admin,
              new JsonObject()
                  .put("username", "audrey")
                  .put("password", userPassword)
                  .put("role", "operator"));
      long id = created.json().getLong("id");
      http.post(
          "/api/v1/auth/login",
          null,
          new JsonObject().put("username", "audrey").put("password", "wrong-" + userPassword));
      String session = http.login("audrey", userPassword);
      tokenSecret =
          http.post("/api/v1/tokens", session, new JsonObject().put("name", "deploy"))
              .json()
              .getString("token");
      // before the reset below, which revokes the user's tokens
      http.post(
          "/api/v1/users",
          tokenSecret,
          new JsonObject().put("username", "x").put("password", "x-Pass-12345")); // 403
      http.patch("/api/v1/users/" + id, admin, new JsonObject().put("password", resetPassword));
      String session2 = http.login("audrey", resetPassword);
      http.put(
          "/api/v1/me/password",
          session2,
          new JsonObject()
              .put("currentPassword", resetPassword)
              .put("newPassword", newOwnPassword));

      JsonArray rows = waitForAudit("actor=audrey", 6);
      assertHas(
          rows,
          e ->
              "session.login".equals(e.getString("action"))
                  && "denied".equals(e.getString("outcome")),
          "failed login recorded as denied");
      assertHas(
          rows,
          e ->
              "session.login".equals(e.getString("action"))
                  && "success".equals(e.getString("outcome")),
          "login");
      assertHas(
          rows,
          e -> "token.create".equals(e.getString("action")) && e.getInteger("status") == 201,
          "token create");
      assertHas(
          rows, e -> "user.change-password".equals(e.getString("action")), "own password change");
      assertHas(
          rows,
          e ->
              "user.create".equals(e.getString("action"))
                  && "denied".equals(e.getString("outcome"))
                  && e.getJsonObject("detail").containsKey("viaTokenId"),
          "403 through a token");
      JsonObject login =
          rows.stream()
              .map(JsonObject.class::cast)
              .filter(e -> "session.login".equals(e.getString("action")))
              .findFirst()
              .orElseThrow();
      assertEquals("127.0.0.1", login.getString("clientAddress"));

      JsonArray adminRows = waitForAudit("action=user.*&resourceId=" + id, 2);
      assertHas(
          adminRows,
          e ->
              "user.create".equals(e.getString("action"))
                  && "admin".equals(e.getString("actor"))
                  && "user".equals(e.getString("resourceType")),
          "user.create by admin");
      assertHas(
          adminRows,
          e ->
              "user.update".equals(e.getString("action"))
                  && e.getJsonObject("detail").getBoolean("passwordReset", false),
          "password reset, flagged not shown");

      for (String secret : List.of(userPassword, resetPassword, newOwnPassword, tokenSecret)) {
        assertFalse(logs.text().contains(secret), "a secret reached the log");
        assertFalse(allAuditText().contains(secret), "a secret reached the audit table");
        assertFalse(
            http.get("/api/v1/audit?limit=500", admin).body().contains(secret),
            "a secret reached the audit API");
      }
    }
  }

  @Test
  void callsRefusedBeforeAnyRouteAreAuditedToo() throws Exception {
    http.send("POST", "/api/v1/users", admin, "{not json", null);
    http.send("DELETE", "/api/v1/no-such-thing", admin, null, null);
    JsonArray rows = waitForAudit("action=user.create&outcome=failure", 1);
    assertEquals(400, rows.getJsonObject(0).getInteger("status"));
    JsonArray unknown = waitForAudit("action=DELETE%20/api/v1/no-such-thing", 1);
    assertEquals(404, unknown.getJsonObject(0).getInteger("status"));
  }

  @Test
  void filtersAndPagingWork() throws Exception {
    for (int i = 0; i < 3; i++) {
      http.post("/api/v1/tokens", admin, new JsonObject().put("name", "page-" + i));
    }
    waitForAudit("action=token.create", 3);
    Http.Response page1 = http.get("/api/v1/audit?action=token.create&limit=2", admin);
    Http.Response page2 = http.get("/api/v1/audit?action=token.create&limit=2&offset=2", admin);
    assertEquals(2, page1.items().size());
    assertTrue(page1.json().getLong("total") >= 3);
    assertFalse(page2.items().isEmpty());
    long firstOfPage2 = page2.items().getJsonObject(0).getLong("id");
    assertTrue(
        page1.items().stream().allMatch(e -> ((JsonObject) e).getLong("id") > firstOfPage2),
        "newest first, no overlap");
    assertEquals(0, http.get("/api/v1/audit?since=2999-01-01T00:00:00Z", admin).items().size());
    assertEquals(400, http.get("/api/v1/audit?outcome=maybe", admin).status());
    assertEquals(400, http.get("/api/v1/audit?since=yesterday", admin).status());
    assertEquals(400, http.get("/api/v1/audit?limit=100000", admin).status());
  }

  private static JsonArray waitForAudit(String query, int atLeast) throws Exception {
    // rows are written when the answer has been sent, so give them a moment
    return eventually(
        () -> http.get("/api/v1/audit?limit=500&" + query, admin).items(),
        items -> items.size() >= atLeast);
  }

  private static void assertHas(JsonArray rows, Predicate<JsonObject> test, String what) {
    assertTrue(
        rows.stream().map(JsonObject.class::cast).anyMatch(test),
        what + " in " + rows.encodePrettily());
  }

  private static String allAuditText() throws Exception {
    var db = console.config().database();
    StringBuilder sb = new StringBuilder();
    try (Connection c =
            DriverManager.getConnection(
                db.url().orElseThrow(), db.user(), db.password().map(s -> s.value()).orElse(""));
        ResultSet rs = c.createStatement().executeQuery("select * from audit_event")) {
      while (rs.next()) {
        for (int col = 1; col <= rs.getMetaData().getColumnCount(); col++) {
          sb.append(rs.getString(col)).append('|');
        }
      }
    }
    return sb.toString();
  }
}
