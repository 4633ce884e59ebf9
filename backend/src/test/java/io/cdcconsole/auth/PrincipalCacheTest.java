package io.cdcconsole.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.Http;
import io.cdcconsole.test.Sse;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Principals are cached (here for ten minutes, so that nothing in a test can outlive the TTL) and
 * yet every change made through the console holds at once, on every HTTP instance — each fresh
 * {@link Http} is a new connection, and the console hands connections round-robin to its two
 * instances — and on open event streams, whose keep-alive (five minutes here) is not what ends
 * them.
 */
@ConsoleTest.Env({
  "CDC_CONSOLE_AUTH_CACHE_TTL=10m",
  "CDC_CONSOLE_EVENTS_KEEP_ALIVE=5m",
  "CDC_CONSOLE_HTTP_IDLE_TIMEOUT=10m",
  "CDC_CONSOLE_EVENTS_MAX_STREAMS_PER_USER=3"
})
@Timeout(180)
class PrincipalCacheTest extends ConsoleTest {

  @Test
  void aRequestDoesNotReadTheDatabaseToAuthenticateUntilTheConsoleChangesSomething()
      throws Exception {
    String session = console.userToken("cached", "operator");
    long id = http.get("/api/v1/me", session).json().getLong("id");
    String token =
        http.post("/api/v1/tokens", session, new JsonObject().put("name", "ci"))
            .json()
            .getString("token");
    assertStatus(200, session);
    assertStatus(200, token);

    // behind the console's back: not seen while the cached principals live — so no request read the
    // user
    sql("update app_user set disabled = true where id = ?", id);
    assertStatus(200, session);
    assertStatus(200, token);

    // a change through the console drops them: the next request reads the user as it is now
    assertEquals(
        200,
        http.patch("/api/v1/users/" + id, admin, new JsonObject().put("role", "viewer")).status());
    assertStatus(401, session);
    assertStatus(401, token);
  }

  @Test
  void aTokensLastUseIsWrittenOnceAMinuteNotOnEveryRequest() throws Exception {
    String session = console.userToken("busy", "operator");
    JsonObject created =
        http.post("/api/v1/tokens", session, new JsonObject().put("name", "busy")).json();
    String token = created.getString("token");
    assertStatus(200, token);
    assertNotNull(lastUsed(created.getLong("id")), "the first use is recorded");
    sql("update api_token set last_used_at = null where id = ?", created.getLong("id"));
    for (int i = 0; i < 20; i++) {
      assertStatus(200, token);
    }
    assertNull(lastUsed(created.getLong("id")), "20 more uses within the minute wrote nothing");
  }

  @Test
  void revokedTokensAreRefusedAtOnceOnEveryInstance() {
    String session = console.userToken("revoker", "operator");
    JsonObject created =
        http.post("/api/v1/tokens", session, new JsonObject().put("name", "r")).json();
    String token = created.getString("token");
    assertStatus(200, token);
    assertEquals(204, http.delete("/api/v1/tokens/" + created.getLong("id"), session).status());
    assertStatus(401, token);
  }

  @Test
  void disabledUsersPasswordChangesAndSignOutsHoldAtOnceOnEveryInstance() {
    String disabled = console.userToken("to-disable", "viewer");
    long disabledId = http.get("/api/v1/me", disabled).json().getLong("id");
    assertStatus(200, disabled);
    assertEquals(
        200,
        http.patch("/api/v1/users/" + disabledId, admin, new JsonObject().put("disabled", true))
            .status());
    assertStatus(401, disabled);

    String reset = console.userToken("to-reset", "viewer");
    long resetId = http.get("/api/v1/me", reset).json().getLong("id");
    assertStatus(200, reset);
    assertEquals(
        200,
        http.patch(
                "/api/v1/users/" + resetId,
                admin,
                new JsonObject().put("password", "reset-Pass-999"))
            .status());
    assertStatus(401, reset);

    String own = console.userToken("own-change", "viewer");
    assertStatus(200, own);
    Http.Response changed =
        http.put(
            "/api/v1/me/password",
            own,
            new JsonObject()
                .put("currentPassword", "own-change-Pass-123")
                .put("newPassword", "brand-New-Pass-1"));
    assertEquals(200, changed.status(), changed.body());
    assertStatus(401, own);
    assertStatus(200, changed.json().getString("token"));

    String leaving = console.userToken("leaving", "viewer");
    assertStatus(200, leaving);
    assertEquals(204, http.post("/api/v1/auth/logout", leaving, null).status());
    assertStatus(401, leaving);
  }

  @Test
  void aRoleChangeHoldsAtOnceOnEveryInstance() {
    String session = console.userToken("demoted", "admin");
    long id = http.get("/api/v1/me", session).json().getLong("id");
    assertEquals(200, http.get("/api/v1/users", session).status());
    assertEquals(
        200,
        http.patch("/api/v1/users/" + id, admin, new JsonObject().put("role", "viewer")).status());
    for (int i = 0; i < 4; i++) {
      Http.Response refused = new Http(console.app().port()).get("/api/v1/users", session);
      assertEquals(403, refused.status(), refused.body());
    }
  }

  @Test
  void anOpenStreamEndsAsSoonAsItsTokenIsRevokedOrItsUserDisabled() {
    String session = console.userToken("listener", "viewer");
    long id = http.get("/api/v1/me", session).json().getLong("id");
    JsonObject created =
        http.post("/api/v1/tokens", session, new JsonObject().put("name", "sse")).json();
    try (Sse byToken = Sse.open(console.app().port(), created.getString("token"), null)) {
      assertEquals(200, byToken.status());
      assertEquals(204, http.delete("/api/v1/tokens/" + created.getLong("id"), session).status());
      // the keep-alive is minutes away: only the published change can end the stream before the
      // test times out
      assertEquals("stream.closed", lastEvent(byToken).name());
    }
    try (Sse bySession = Sse.open(console.app().port(), session, null)) {
      assertEquals(200, bySession.status());
      assertEquals(
          200,
          http.patch("/api/v1/users/" + id, admin, new JsonObject().put("disabled", true))
              .status());
      assertEquals("stream.closed", lastEvent(bySession).name());
    }
  }

  @Test
  void theStreamCapCountsStreamsOnEveryInstance() {
    String viewer = console.userToken("tabs", "viewer");
    List<Sse> open = new ArrayList<>();
    try {
      // three connections: on two instances, at least one lands on each
      for (int i = 0; i < 3; i++) {
        open.add(Sse.open(console.app().port(), viewer, null));
        assertEquals(200, open.get(i).status());
      }
      for (int i = 0; i < 2; i++) {
        Sse refused = Sse.open(console.app().port(), viewer, null);
        assertEquals(429, refused.status());
        refused.close();
      }
    } finally {
      open.forEach(Sse::close);
    }
  }

  /**
   * The credential answers {@code status} on four new connections: both instances at least twice.
   */
  private static void assertStatus(int status, String credential) {
    for (int i = 0; i < 4; i++) {
      Http.Response r = new Http(console.app().port()).get("/api/v1/me", credential);
      assertEquals(status, r.status(), r.body());
    }
  }

  private static Sse.Event lastEvent(Sse stream) {
    Sse.Event last = null;
    for (Optional<Sse.Event> e = stream.next(); e.isPresent(); e = stream.next()) {
      last = e.get();
    }
    assertNotNull(last, "an event before the end");
    return last;
  }

  private static Connection connect() throws SQLException {
    var db = console.config().database();
    return DriverManager.getConnection(
        db.url().orElseThrow(), db.user(), db.password().map(s -> s.value()).orElse(""));
  }

  private static void sql(String statement, long id) throws SQLException {
    try (Connection c = connect();
        PreparedStatement ps = c.prepareStatement(statement)) {
      ps.setLong(1, id);
      assertTrue(ps.executeUpdate() == 1, statement);
    }
  }

  private static java.sql.Timestamp lastUsed(long tokenId) throws SQLException {
    try (Connection c = connect();
        PreparedStatement ps =
            c.prepareStatement("select last_used_at from api_token where id = ?")) {
      ps.setLong(1, tokenId);
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next());
        return rs.getTimestamp(1);
      }
    }
  }
}
