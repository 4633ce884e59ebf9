package io.cdcconsole.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.Http;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class UserAdminTest extends ConsoleTest {

  @Test
  void adminCreatesListsAndChangesUsers() {
    Http.Response created =
        http.post(
            "/api/v1/users",
            admin,
            new JsonObject()
                .put("username", "olga")
                .put("password", "olga-Pass-123")
                .put("role", "operator"));
    assertEquals(201, created.status(), created.body());
    long id = created.json().getLong("id");
    assertEquals("/api/v1/users/" + id, created.header("Location"));
    assertEquals("operator", created.json().getString("role"));
    assertFalse(created.body().contains("olga-Pass-123"));
    assertFalse(created.body().toLowerCase().contains("hash"));

    Http.Response list = http.get("/api/v1/users?limit=100", admin);
    assertEquals(200, list.status());
    assertTrue(list.json().getLong("total") >= 2);
    assertTrue(
        list.items().stream().anyMatch(u -> "olga".equals(((JsonObject) u).getString("username"))));

    Http.Response promoted =
        http.patch("/api/v1/users/" + id, admin, new JsonObject().put("role", "admin"));
    assertEquals(200, promoted.status(), promoted.body());
    assertEquals("admin", http.get("/api/v1/users/" + id, admin).json().getString("role"));

    Http.Response duplicate =
        http.post(
            "/api/v1/users",
            admin,
            new JsonObject().put("username", "OLGA").put("password", "olga-Pass-123"));
    assertEquals(409, duplicate.status(), duplicate.body());
  }

  @Test
  void invalidUserInputIsRefusedNamingTheField() {
    assertField(
        http.post(
            "/api/v1/users",
            admin,
            new JsonObject().put("username", "bad name!").put("password", "long-enough-1")),
        "username");
    assertField(
        http.post(
            "/api/v1/users",
            admin,
            new JsonObject().put("username", "shorty").put("password", "short")),
        "password");
    assertField(
        http.post(
            "/api/v1/users",
            admin,
            new JsonObject()
                .put("username", "roley")
                .put("password", "long-enough-1")
                .put("role", "king")),
        "role");
    assertField(
        http.post(
            "/api/v1/users",
            admin,
            new JsonObject().put("username", 42).put("password", "long-enough-1")),
        "username");
    assertField(
        http.post("/api/v1/users", admin, new JsonObject().put("password", "long-enough-1")),
        "username");
    assertField(
        http.patch("/api/v1/users/1", admin, new JsonObject().put("disabled", "yes")), "disabled");
    assertEquals(
        404,
        http.patch("/api/v1/users/999999", admin, new JsonObject().put("disabled", true)).status());
    assertEquals(404, http.get("/api/v1/users/not-a-number", admin).status());
  }

  @Test
  void disablingAUserStopsItsSessionsAndTokensAtOnce() {
    String session = console.userToken("dora", "operator");
    long id = http.get("/api/v1/me", session).json().getLong("id");
    String token =
        http.post("/api/v1/tokens", session, new JsonObject().put("name", "ci"))
            .json()
            .getString("token");
    assertEquals(200, http.get("/api/v1/me", token).status());

    assertEquals(
        200,
        http.patch("/api/v1/users/" + id, admin, new JsonObject().put("disabled", true)).status());
    assertEquals(401, http.get("/api/v1/me", session).status());
    assertEquals(401, http.get("/api/v1/me", token).status());
    assertEquals(
        401,
        http.post(
                "/api/v1/auth/login",
                null,
                new JsonObject().put("username", "dora").put("password", "dora-Pass-123"))
            .status());

    assertEquals(
        200,
        http.patch("/api/v1/users/" + id, admin, new JsonObject().put("disabled", false)).status());
    assertEquals(200, http.get("/api/v1/me", token).status());
  }

  @Test
  void passwordResetByAnAdminEndsTheUsersSessionsAndRevokesTheirTokens() {
    String session = console.userToken("resetme", "viewer");
    long id = http.get("/api/v1/me", session).json().getLong("id");
    String token =
        http.post("/api/v1/tokens", session, new JsonObject().put("name", "before-reset"))
            .json()
            .getString("token");
    assertEquals(200, http.get("/api/v1/me", token).status());
    // a role change alone leaves tokens alone
    assertEquals(
        200,
        http.patch("/api/v1/users/" + id, admin, new JsonObject().put("role", "viewer")).status());
    assertEquals(200, http.get("/api/v1/me", token).status());

    assertEquals(
        200,
        http.patch("/api/v1/users/" + id, admin, new JsonObject().put("password", "reset-Pass-999"))
            .status());
    assertEquals(401, http.get("/api/v1/me", session).status());
    assertEquals(
        401, http.get("/api/v1/me", token).status(), "a token minted before the reset is revoked");
    String fresh = http.login("resetme", "reset-Pass-999");
    // a token made after the reset works, and the user's own password change does not revoke it
    String after =
        http.post("/api/v1/tokens", fresh, new JsonObject().put("name", "after-reset"))
            .json()
            .getString("token");
    assertEquals(
        200,
        http.put(
                "/api/v1/me/password",
                fresh,
                new JsonObject()
                    .put("currentPassword", "reset-Pass-999")
                    .put("newPassword", "own-Pass-4242"))
            .status());
    assertEquals(200, http.get("/api/v1/me", after).status());
  }

  @Test
  void theLastEnabledAdminCannotBeDemotedOrDisabled() {
    long adminId = http.get("/api/v1/me", admin).json().getLong("id");
    // other admins may exist from other tests; demote them all but the first, then try the first
    for (Object o : http.get("/api/v1/users?limit=500", admin).items()) {
      JsonObject u = (JsonObject) o;
      if (u.getLong("id") != adminId && "admin".equals(u.getString("role"))) {
        assertEquals(
            200,
            http.patch(
                    "/api/v1/users/" + u.getLong("id"),
                    admin,
                    new JsonObject().put("role", "viewer"))
                .status());
      }
    }
    Http.Response demote =
        http.patch("/api/v1/users/" + adminId, admin, new JsonObject().put("role", "viewer"));
    assertEquals(409, demote.status(), demote.body());
    assertTrue(demote.json().getString("detail").contains("last enabled admin"));
    assertEquals(
        409,
        http.patch("/api/v1/users/" + adminId, admin, new JsonObject().put("disabled", true))
            .status());
    assertEquals("admin", http.get("/api/v1/me", admin).json().getString("role"));
  }

  @Test
  void eachRoleMayDoWhatItsRoleAllowsAndNoMore() {
    String viewer = console.userToken("vera", "viewer");
    String operator = console.userToken("otto", "operator");
    JsonObject newUser =
        new JsonObject().put("username", "x-by-role").put("password", "x-Pass-12345");

    // everyone signed in: who am I, own tokens
    for (String t : new String[] {viewer, operator, admin}) {
      assertEquals(200, http.get("/api/v1/me", t).status());
      assertEquals(200, http.get("/api/v1/tokens", t).status());
    }
    // admin only: users and audit
    for (String t : new String[] {viewer, operator}) {
      assertForbidden(http.get("/api/v1/users", t));
      assertForbidden(http.get("/api/v1/users/1", t));
      assertForbidden(http.post("/api/v1/users", t, newUser));
      assertForbidden(http.patch("/api/v1/users/1", t, new JsonObject().put("role", "viewer")));
      assertForbidden(http.get("/api/v1/audit", t));
      assertForbidden(http.get("/api/v1/tokens?all=true", t));
    }
    assertEquals(200, http.get("/api/v1/users", admin).status());
    assertEquals(200, http.get("/api/v1/audit", admin).status());
    assertEquals(200, http.get("/api/v1/tokens?all=true", admin).status());
    // no credentials at all: 401, not 403
    assertEquals(401, http.get("/api/v1/users", null).status());
    assertEquals(401, http.post("/api/v1/users", null, newUser).status());
  }

  private static void assertForbidden(Http.Response r) {
    assertEquals(403, r.status(), r.body());
    assertEquals("application/problem+json", r.contentType());
    assertTrue(r.json().getString("detail").contains("admin"), r.body());
  }

  private static void assertField(Http.Response r, String field) {
    assertEquals(400, r.status(), r.body());
    assertEquals(
        field, r.json().getJsonArray("errors").getJsonObject(0).getString("path"), r.body());
  }
}
