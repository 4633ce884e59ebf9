package io.cdcconsole.auth;

import static io.cdcconsole.test.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.Http;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TokenApiTest extends ConsoleTest {

  @Test
  void aTokenIsShownOnceStoredAsAHashUsableAsBearerListedWithLastUseAndRevocable()
      throws Exception {
    String session = console.userToken("tina", "operator");
    Http.Response created =
        http.post("/api/v1/tokens", session, new JsonObject().put("name", "jenkins"));
    assertEquals(201, created.status(), created.body());
    String secret = created.json().getString("token");
    long id = created.json().getLong("id");
    assertTrue(secret.startsWith("cdc_"));
    assertEquals("operator", created.json().getString("role"));
    assertEquals("/api/v1/tokens/" + id, created.header("Location"));

    Http.Response me = http.get("/api/v1/me", secret);
    assertEquals(200, me.status());
    assertEquals("tina", me.json().getString("username"));
    assertEquals("token", me.json().getString("authenticatedBy"));

    JsonObject listed = (JsonObject) http.get("/api/v1/tokens", session).items().getValue(0);
    assertEquals("jenkins", listed.getString("name"));
    assertEquals("active", listed.getString("status"));
    assertNull(listed.getString("token"), "the secret is never listed");
    assertNotNull(listed.getString("lastUsedAt"), "use is recorded");
    assertFalse(http.get("/api/v1/tokens", session).body().contains(secret));

    // only the hash is stored
    var db = console.config().database();
    try (Connection c =
            DriverManager.getConnection(
                db.url().orElseThrow(), db.user(), db.password().map(s -> s.value()).orElse(""));
        ResultSet rs = c.createStatement().executeQuery("select * from api_token")) {
      while (rs.next()) {
        for (int col = 1; col <= rs.getMetaData().getColumnCount(); col++) {
          String value = rs.getString(col);
          assertFalse(
              value != null && value.contains(secret.substring(4)),
              "secret stored in " + rs.getMetaData().getColumnName(col));
        }
      }
    }

    assertEquals(204, http.delete("/api/v1/tokens/" + id, session).status());
    Http.Response after = http.get("/api/v1/me", secret);
    assertEquals(401, after.status());
    assertTrue(after.json().getString("detail").contains("revoked"));
    assertEquals(
        "revoked",
        ((JsonObject) http.get("/api/v1/tokens", session).items().getValue(0)).getString("status"));
  }

  @Test
  void anExpiredTokenStopsWorking() throws Exception {
    String session = console.userToken("exp", "viewer");
    Http.Response created =
        http.post(
            "/api/v1/tokens",
            session,
            new JsonObject()
                .put("name", "short-lived")
                .put("expiresAt", Instant.now().plusSeconds(2).toString()));
    assertEquals(201, created.status(), created.body());
    String secret = created.json().getString("token");
    assertEquals(200, http.get("/api/v1/me", secret).status());
    Http.Response later = eventually(() -> http.get("/api/v1/me", secret), r -> r.status() != 200);
    assertEquals(401, later.status(), later.body());
    assertTrue(later.json().getString("detail").contains("expired"), later.body());
    assertEquals(
        400,
        http.post(
                "/api/v1/tokens",
                session,
                new JsonObject().put("name", "past").put("expiresAt", "2001-01-01T00:00:00Z"))
            .status());
    Http.Response days =
        http.post(
            "/api/v1/tokens", session, new JsonObject().put("name", "d").put("expiresInDays", 30));
    assertEquals(201, days.status());
    assertTrue(
        Instant.parse(days.json().getString("expiresAt"))
            .isAfter(Instant.now().plusSeconds(29L * 86400)));
  }

  @Test
  void onlyASessionMintsTokensSoNoTokenOutlivesItsParent() {
    String session = console.userToken("minter", "operator");
    String parent =
        http.post(
                "/api/v1/tokens",
                session,
                new JsonObject().put("name", "day").put("expiresInDays", 1))
            .json()
            .getString("token");
    Http.Response child =
        http.post("/api/v1/tokens", parent, new JsonObject().put("name", "forever-child"));
    assertEquals(403, child.status(), child.body());
    assertEquals(
        1, http.get("/api/v1/tokens", session).json().getLong("total"), "no token was made");
  }

  @Test
  void aTokenNeverHasMoreRightsThanItsOwner() {
    String viewer = console.userToken("vic", "viewer");
    Http.Response escalate =
        http.post("/api/v1/tokens", viewer, new JsonObject().put("name", "x").put("role", "admin"));
    assertEquals(400, escalate.status());
    assertEquals("role", escalate.json().getJsonArray("errors").getJsonObject(0).getString("path"));

    // an admin's viewer token acts as a viewer
    String admin = console.adminToken();
    String viewerToken =
        http.post("/api/v1/tokens", admin, new JsonObject().put("name", "ro").put("role", "viewer"))
            .json()
            .getString("token");
    assertEquals("viewer", http.get("/api/v1/me", viewerToken).json().getString("role"));
    assertEquals(403, http.get("/api/v1/users", viewerToken).status());

    // a demoted owner drags the token down with them
    String op = console.userToken("demoted", "operator");
    String opToken =
        http.post("/api/v1/tokens", op, new JsonObject().put("name", "t"))
            .json()
            .getString("token");
    long opId = http.get("/api/v1/me", op).json().getLong("id");
    http.patch("/api/v1/users/" + opId, admin, new JsonObject().put("role", "viewer"));
    assertEquals("viewer", http.get("/api/v1/me", opToken).json().getString("role"));
  }

  @Test
  void othersTokensAreInvisibleAndIrrevocableExceptForAdmins() {
    String alice = console.userToken("alice", "operator");
    String bob = console.userToken("bob", "operator");
    long aliceTokenId =
        http.post("/api/v1/tokens", alice, new JsonObject().put("name", "a")).json().getLong("id");
    assertEquals(404, http.delete("/api/v1/tokens/" + aliceTokenId, bob).status());
    assertTrue(
        http.get("/api/v1/tokens", bob).items().stream()
            .noneMatch(t -> ((JsonObject) t).getLong("id") == aliceTokenId));
    String admin = console.adminToken();
    assertTrue(
        http.get("/api/v1/tokens?all=true", admin).items().stream()
            .anyMatch(t -> ((JsonObject) t).getLong("id") == aliceTokenId));
    assertEquals(204, http.delete("/api/v1/tokens/" + aliceTokenId, admin).status());
  }
}
