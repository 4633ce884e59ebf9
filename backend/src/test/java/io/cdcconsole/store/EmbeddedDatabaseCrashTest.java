package io.cdcconsole.store;

import static io.cdcconsole.test.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.test.Http;
import io.cdcconsole.test.TestConsole;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A console process with its embedded PostgreSQL killed by SIGKILL (no shutdown hook runs): the
 * very next start succeeds with the data intact, whether the watchdog already ended the orphaned
 * postmaster or the start has to.
 */
class EmbeddedDatabaseCrashTest {
  private final List<Process> started = new ArrayList<>();
  private Path home;
  private Map<String, String> env;

  @AfterEach
  void stopAll() throws Exception {
    for (Process p : started) {
      p.destroy(); // SIGTERM: the console stops its PostgreSQL
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  @Test
  void theWatchdogEndsThePostmasterOfAKilledConsoleAndTheNextStartHasTheData() throws Exception {
    Process first = startWithAUser();
    ProcessHandle postmaster = postmaster();
    assertTrue(watchdogOf(first).isPresent(), "the console watches its PostgreSQL");

    kill(first);
    eventually(postmaster::isAlive, alive -> !alive);

    startAndCheckTheData();
  }

  @Test
  void aPostmasterLeftRunningByAKilledConsoleIsStoppedByTheNextStart() throws Exception {
    Process first = startWithAUser();
    ProcessHandle postmaster = postmaster();
    // as when the whole service is killed at once or there is no shell for a watchdog
    ProcessHandle watchdog = watchdogOf(first).orElseThrow();
    watchdog.destroyForcibly();
    eventually(watchdog::isAlive, alive -> !alive);

    kill(first);
    assertTrue(postmaster.isAlive(), "the orphaned postmaster still holds the data directory");

    startAndCheckTheData();
    assertTrue(!postmaster.isAlive(), "the start stopped the orphan");
  }

  @Test
  void theDatabaseOfALiveConsoleIsNeverTakenOver() throws Exception {
    startWithAUser();
    ProcessHandle postmaster = postmaster();
    Map<String, String> first = env;
    env = new HashMap<>(first);
    env.put("CDC_CONSOLE_HTTP_PORT", Integer.toString(freePort()));
    Process second = start(false);
    assertTrue(second.waitFor(120, TimeUnit.SECONDS), "the second console on the same home stops");
    assertEquals(1, second.exitValue());
    assertTrue(
        Files.readString(home.resolve("console.log"))
            .contains("another console is using the embedded database"));
    assertTrue(postmaster.isAlive(), "the first console's PostgreSQL still runs");
    env = first;
    assertEquals(200, http().get("/ready", null).status(), "and the first console still works");
  }

  private Process startWithAUser() throws Exception {
    home = TestConsole.newHome();
    env = TestConsole.embeddedEnv(home);
    env.put("CDC_CONSOLE_HTTP_PORT", Integer.toString(freePort()));
    Process console = start();
    Http http = http();
    JsonObject user =
        new JsonObject()
            .put("username", "survivor")
            .put("password", "survivor-Pass-123")
            .put("role", "operator");
    assertEquals(
        201,
        http.post("/api/v1/users", http.login("admin", TestConsole.ADMIN_PASSWORD), user).status());
    return console;
  }

  /**
   * The next start must succeed at once: a console that exits instead ends the wait with its log.
   */
  private void startAndCheckTheData() throws Exception {
    start();
    Http http = http();
    assertEquals(
        "survivor",
        http.get("/api/v1/me", http.login("survivor", "survivor-Pass-123"))
            .json()
            .getString("username"));
  }

  private Process start() throws Exception {
    return start(true);
  }

  /**
   * A console process; with {@code ready}, once it answers /ready (a console that exits instead
   * fails the wait).
   */
  private Process start(boolean ready) throws Exception {
    List<String> cmd =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            "io.cdcconsole.Main");
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.startsWith("CDC_CONSOLE_"));
    pb.environment().putAll(env);
    Path log = home.resolve("console.log");
    pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    Process console = pb.start();
    started.add(console);
    if (!ready) {
      return console;
    }
    Http http = http();
    eventually(
        () -> {
          if (!console.isAlive()) {
            throw new AssertionError(
                "the console exited with " + console.exitValue() + ": " + Files.readString(log));
          }
          try {
            return http.get("/ready", null).status();
          } catch (IllegalStateException notListeningYet) {
            return 0;
          }
        },
        status -> status == 200);
    return console;
  }

  private Http http() {
    return new Http(Integer.parseInt(env.get("CDC_CONSOLE_HTTP_PORT")));
  }

  private ProcessHandle postmaster() throws Exception {
    long pid =
        Long.parseLong(Files.readAllLines(home.resolve("postgres/postmaster.pid")).get(0).trim());
    return ProcessHandle.of(pid).orElseThrow();
  }

  private static Optional<ProcessHandle> watchdogOf(Process console) {
    return console
        .toHandle()
        .children()
        .filter(
            c ->
                c.info()
                    .arguments()
                    .map(a -> List.of(a).contains("cdc-console-pg-watchdog"))
                    .orElse(false))
        .findFirst();
  }

  /** SIGKILL: no shutdown hook, no clean close, as a crash or an OOM kill. */
  private static void kill(Process console) throws Exception {
    console.destroyForcibly();
    assertTrue(console.waitFor(60, TimeUnit.SECONDS));
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
