package io.cdcconsole.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.test.LogCapture;
import io.cdcconsole.test.TestConsole;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Security review L12: the embedded PostgreSQL requires the console's generated password from the
 * moment initdb makes it: its pg_hba.conf never says {@code trust}, so there is no window in which
 * another local user could connect without the password, and the password in {@code
 * conf/db.password} is what it takes.
 */
@ExtendWith(VertxExtension.class)
class EmbeddedDatabaseAuthTest {

  @Test
  void aNewEmbeddedDatabaseNeverTrustsLocalConnections(Vertx vertx) throws Exception {
    Path home = TestConsole.newHome();
    try (LogCapture log = LogCapture.attach();
        TestConsole console = TestConsole.start(vertx, TestConsole.embeddedEnv(home))) {
      assertEquals(200, console.http().get("/ready", null).status());
      // the conversion of a trusting pg_hba.conf (for data directories of earlier versions) had
      // nothing to do
      assertFalse(log.text().contains("now requires the password"), log.text());
      Path hba = home.resolve("postgres").resolve("pg_hba.conf");
      List<String> rules;
      try (Stream<String> lines = Files.lines(hba)) {
        rules = lines.filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
      }
      assertFalse(rules.isEmpty(), "no rules in " + hba);
      assertTrue(
          rules.stream().noneMatch(l -> l.matches(".*\\btrust\\b.*")), String.join("\n", rules));

      // postmaster.pid: pid, data directory, start time, port, ... one per line
      String port =
          Files.readAllLines(home.resolve("postgres").resolve("postmaster.pid")).get(3).trim();
      String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
      assertThrows(
          SQLException.class,
          () -> DriverManager.getConnection(url, "postgres", "not-the-password").close());
      String password = Files.readString(home.resolve("conf").resolve("db.password")).trim();
      DriverManager.getConnection(url, "postgres", password).close();
    }
  }
}
