package io.cdcconsole.store;

import static io.cdcconsole.test.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.test.Http;
import io.cdcconsole.test.TestConsole;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The console's own embedded PostgreSQL: data in the home survives restarts, and a postmaster
 * killed under a running console is started again by the console, on the same port, with the data
 * intact.
 */
@ExtendWith(VertxExtension.class)
class EmbeddedDatabaseRestartTest {

  @Test
  void dataSurvivesRestartsAndReadinessFollowsTheDatabase(Vertx vertx) throws Exception {
    Path home = TestConsole.newHome();
    try (TestConsole console = TestConsole.start(vertx, TestConsole.embeddedEnv(home))) {
      assertTrue(console.app().database().embedded());
      assertTrue(
          Files.isRegularFile(home.resolve("postgres/PG_VERSION")), "data lives in the home");
      String session = console.userToken("keeper", "operator");
      String masterKey = Files.readString(home.resolve("conf/master.key"));
      assertHardened(home);

      console.restart();
      Http http = console.http();
      assertEquals(200, http.get("/api/v1/me", session).status(), "a session survives a restart");
      assertEquals(
          "keeper",
          http.get("/api/v1/me", http.login("keeper", "keeper-Pass-123"))
              .json()
              .getString("username"));
      assertEquals(masterKey, Files.readString(home.resolve("conf/master.key")));

      // the database goes down under a running console (SIGKILL, as an OOM kill) and the console
      // starts it again
      long postmaster =
          Long.parseLong(Files.readAllLines(home.resolve("postgres/postmaster.pid")).get(0).trim());
      assertEquals(
          0, new ProcessBuilder("kill", "-KILL", Long.toString(postmaster)).start().waitFor());
      eventually(
          () -> {
            Http.Response ready = http.get("/ready", null);
            if (ready.status() != 200) {
              // while it is down: a problem naming the database, never an internal error
              assertEquals(503, ready.status(), ready.body());
              assertEquals("DOWN", ready.json().getJsonObject("checks").getString("database"));
              int me = http.get("/api/v1/me", session).status();
              assertTrue(me == 503 || me == 200, "GET /me while the database restarts: " + me);
            }
            return ready.status();
          },
          status -> status == 200 && !Long.toString(postmaster).equals(postmasterPid(home)));
      assertEquals(200, http.get("/health", null).status(), "the process stayed alive");
      assertEquals(
          200, http.get("/api/v1/me", session).status(), "without a restart of the console");
      assertEquals(
          2,
          http.get("/api/v1/users", console.adminToken()).json().getLong("total"),
          "data intact");
      assertHardened(home);

      // and after a restart of the console, data intact
      console.restart();
      assertEquals(200, console.http().get("/ready", null).status());
      assertEquals(200, console.http().get("/api/v1/me", session).status());
      JsonObject users = console.http().get("/api/v1/users", console.adminToken()).json();
      assertEquals(2, users.getLong("total"));
      assertHardened(home);
    }
  }

  private static String postmasterPid(Path home) {
    try {
      return Files.readAllLines(home.resolve("postgres/postmaster.pid")).get(0).trim();
    } catch (java.io.IOException | RuntimeException notThereNow) {
      return ""; // between the old server and the new one
    }
  }

  /**
   * Durable and password-protected (where the binaries unpack is checked in a JVM of its own:
   * MainProcessTest).
   */
  private static void assertHardened(Path home) throws Exception {
    int port =
        Integer.parseInt(Files.readAllLines(home.resolve("postgres/postmaster.pid")).get(3).trim());
    String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    SQLException refused =
        assertThrows(
            SQLException.class, () -> DriverManager.getConnection(url, "postgres", "").close());
    assertTrue(String.valueOf(refused.getMessage()).contains("password"), refused.getMessage());
    String password = Files.readString(home.resolve("conf/db.password")).trim();
    try (Connection c = DriverManager.getConnection(url, "postgres", password);
        ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "select current_setting('fsync'), current_setting('synchronous_commit')")) {
      assertTrue(rs.next());
      assertEquals("on", rs.getString(1));
      assertEquals("on", rs.getString(2));
    }
  }
}
