package io.cdcconsole.auth;

import static io.cdcconsole.test.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.config.Setting;
import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.Http;
import io.cdcconsole.test.Jwts;
import io.cdcconsole.test.TestConsole;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.Test;

@ConsoleTest.Env({"CDC_CONSOLE_LOCKOUT_MAX_FAILURES=3", "CDC_CONSOLE_LOCKOUT_DURATION=2s"})
class AuthApiTest extends ConsoleTest {

  @Test
  void loginAnswersASessionTokenThatShowsWhoIAm() {
    Http.Response login =
        http.post(
            "/api/v1/auth/login",
            null,
            new JsonObject().put("username", "admin").put("password", TestConsole.ADMIN_PASSWORD));
    assertEquals(200, login.status(), login.body());
    String token = login.json().getString("token");
    Instant expiresAt = Instant.parse(login.json().getString("expiresAt"));
    assertTrue(
        expiresAt.isAfter(Instant.now().plusSeconds(7 * 3600)),
        "default lifetime is 8 h: " + expiresAt);

    Http.Response me = http.get("/api/v1/me", token);
    assertEquals(200, me.status(), me.body());
    assertEquals("admin", me.json().getString("username"));
    assertEquals("admin", me.json().getString("role"));
    assertEquals("session", me.json().getString("authenticatedBy"));
  }

  @Test
  void usernamesAreCaseInsensitiveAtLogin() {
    assertNotNull(http.login("ADMIN", TestConsole.ADMIN_PASSWORD));
  }

  @Test
  void wrongPasswordAndUnknownUserGetTheSame401() {
    Http.Response wrong =
        http.post(
            "/api/v1/auth/login",
            null,
            new JsonObject().put("username", "admin").put("password", "not-the-password"));
    Http.Response unknown =
        http.post(
            "/api/v1/auth/login",
            null,
            new JsonObject().put("username", "nobody-here").put("password", "not-the-password"));
    assertEquals(401, wrong.status());
    assertEquals(401, unknown.status());
    assertEquals(wrong.json().getString("detail"), unknown.json().getString("detail"));
    assertEquals("application/problem+json", wrong.contentType());
  }

  @Test
  void repeatedFailuresLockTheAccountForAWhileAndSaySo() throws Exception {
    console.userToken("locky", "viewer");
    for (int i = 0; i < 3; i++) {
      assertEquals(
          401,
          http.post(
                  "/api/v1/auth/login",
                  null,
                  new JsonObject().put("username", "locky").put("password", "wrong-password-" + i))
              .status());
    }
    // locked now: even the right password is refused, with a clear reason and Retry-After
    Http.Response locked =
        http.post(
            "/api/v1/auth/login",
            null,
            new JsonObject().put("username", "locky").put("password", "locky-Pass-123"));
    assertEquals(429, locked.status(), locked.body());
    assertTrue(
        locked.json().getString("detail").contains("Too many failed sign-ins"), locked.body());
    assertNotNull(locked.header("Retry-After"));
    // other users are not locked by it
    assertNotNull(http.login("admin", TestConsole.ADMIN_PASSWORD));
    // after the lock duration the right password works again
    eventually(
        () ->
            http.post(
                "/api/v1/auth/login",
                null,
                new JsonObject().put("username", "locky").put("password", "locky-Pass-123")),
        r -> r.status() == 200);
  }

  @Test
  void forgedUnsignedExpiredAndForeignJwtsAreRefused() throws Exception {
    String key = console.env().get(Setting.JWT_SECRET.env());
    String real = http.login("admin", TestConsole.ADMIN_PASSWORD);
    JsonObject claims = Jwts.claims(real);
    long now = Instant.now().getEpochSecond();

    // control: a token we sign ourselves with the real key is accepted, so the refusals below are
    // about what we changed
    String selfSigned = Jwts.hs256(key, claims.copy().put("iat", now).put("exp", now + 600));
    assertEquals(200, http.get("/api/v1/me", selfSigned).status());

    JsonObject otherUser = claims.copy().put("sub", "999999");
    assertUnauthorized(Jwts.tampered(real, otherUser), "tampered payload");
    assertUnauthorized(Jwts.unsigned(claims), "alg none");
    JsonObject noExpiry = claims.copy().put("iat", now);
    noExpiry.remove("exp");
    assertUnauthorized(Jwts.hs256(key, noExpiry), "no exp: a session that would never end");
    assertUnauthorized(
        Jwts.hs256(key, claims.copy().put("iat", now - 7200).put("exp", now - 3600)), "expired");
    assertUnauthorized(
        Jwts.hs256("another-key-another-key-another-key-0123456789", claims), "wrong key");
    assertUnauthorized(Jwts.hs256(key, claims.copy().put("iss", "someone-else")), "wrong issuer");
    assertUnauthorized("not-a-jwt-at-all", "garbage");
    assertEquals(
        401, http.send("GET", "/api/v1/me", null, null, "Basic YWRtaW46YWRtaW4=").status());
    assertEquals(401, http.get("/api/v1/me", null).status());
  }

  @Test
  void changingMyPasswordEndsMyOldSessions() {
    String old = console.userToken("changer", "operator");
    Http.Response wrongCurrent =
        http.put(
            "/api/v1/me/password",
            old,
            new JsonObject()
                .put("currentPassword", "nope-nope-nope")
                .put("newPassword", "brand-New-Pass-1"));
    assertEquals(400, wrongCurrent.status());
    assertEquals(
        "currentPassword",
        wrongCurrent.json().getJsonArray("errors").getJsonObject(0).getString("path"));

    Http.Response tooShort =
        http.put(
            "/api/v1/me/password",
            old,
            new JsonObject()
                .put("currentPassword", "changer-Pass-123")
                .put("newPassword", "short"));
    assertEquals(400, tooShort.status());

    Http.Response changed =
        http.put(
            "/api/v1/me/password",
            old,
            new JsonObject()
                .put("currentPassword", "changer-Pass-123")
                .put("newPassword", "brand-New-Pass-1"));
    assertEquals(200, changed.status(), changed.body());
    String fresh = changed.json().getString("token");
    assertNotEquals(old, fresh);
    assertEquals(401, http.get("/api/v1/me", old).status());
    assertEquals(200, http.get("/api/v1/me", fresh).status());
    assertEquals(
        401,
        http.post(
                "/api/v1/auth/login",
                null,
                new JsonObject().put("username", "changer").put("password", "changer-Pass-123"))
            .status());
    assertNotNull(http.login("changer", "brand-New-Pass-1"));
  }

  @Test
  void changingMyPasswordNeedsASessionAndWrongCurrentPasswordsLockLikeSignIns() throws Exception {
    String session = console.userToken("guarded", "operator");
    String token =
        http.post(
                "/api/v1/tokens", session, new JsonObject().put("name", "ci").put("role", "viewer"))
            .json()
            .getString("token");
    // a restricted token must not turn into a full session by way of a new password
    Http.Response viaToken =
        http.put(
            "/api/v1/me/password",
            token,
            new JsonObject()
                .put("currentPassword", "guarded-Pass-123")
                .put("newPassword", "other-New-Pass-1"));
    assertEquals(403, viaToken.status(), viaToken.body());
    for (int i = 0; i < 3; i++) {
      Http.Response wrong =
          http.put(
              "/api/v1/me/password",
              session,
              new JsonObject()
                  .put("currentPassword", "guess-" + i + "-wrong")
                  .put("newPassword", "other-New-Pass-1"));
      assertEquals(400, wrong.status(), wrong.body());
    }
    // locked now, as sign-in is: even the right current password waits
    Http.Response locked =
        http.put(
            "/api/v1/me/password",
            session,
            new JsonObject()
                .put("currentPassword", "guarded-Pass-123")
                .put("newPassword", "other-New-Pass-1"));
    assertEquals(429, locked.status(), locked.body());
    assertNotNull(locked.header("Retry-After"));
    assertEquals(
        429,
        http.post(
                "/api/v1/auth/login",
                null,
                new JsonObject().put("username", "guarded").put("password", "guarded-Pass-123"))
            .status());
    eventually(
        () ->
            http.put(
                "/api/v1/me/password",
                session,
                new JsonObject()
                    .put("currentPassword", "guarded-Pass-123")
                    .put("newPassword", "other-New-Pass-1")),
        r -> r.status() == 200);
    assertNotNull(http.login("guarded", "other-New-Pass-1"));
  }

  @Test
  void signingOutEndsEverySessionOfTheUserButNotTheirApiTokens() {
    String session = console.userToken("leaver", "viewer");
    String other = http.login("leaver", "leaver-Pass-123");
    String token =
        http.post("/api/v1/tokens", session, new JsonObject().put("name", "keep"))
            .json()
            .getString("token");
    assertEquals(
        403,
        http.post("/api/v1/auth/logout", token, null).status(),
        "a token is revoked, not signed out");
    assertEquals(401, http.post("/api/v1/auth/logout", null, null).status());
    assertEquals(204, http.post("/api/v1/auth/logout", session, null).status());
    assertEquals(401, http.get("/api/v1/me", session).status());
    assertEquals(401, http.get("/api/v1/me", other).status());
    assertEquals(200, http.get("/api/v1/me", token).status());
    assertEquals(200, http.get("/api/v1/me", http.login("leaver", "leaver-Pass-123")).status());
    assertEquals(
        1,
        http.get("/api/v1/audit?action=session.logout&outcome=success", admin)
            .json()
            .getLong("total"));
  }

  private static void assertUnauthorized(String token, String what) {
    Http.Response r = http.get("/api/v1/me", token);
    assertEquals(401, r.status(), what + ": " + r.body());
    assertEquals("application/problem+json", r.contentType(), what);
    assertNotNull(r.header("WWW-Authenticate"), what);
  }
}
