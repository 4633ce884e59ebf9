package io.cdcconsole.config;

import static io.cdcconsole.test.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.test.TestConsole;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The real command line in its own JVM: a start that cannot succeed says why in one line and exits
 * non-zero.
 */
class MainProcessTest {

  record Result(int exitCode, String stdout, String stderr) {}

  @Test
  void aMalformedConfigFileStopsTheStartWithOneLine() throws Exception {
    Path home = TestConsole.newHome();
    Path file = home.resolve("broken.yaml");
    Files.writeString(file, "http:\n  port: [8080\n");
    Result r = run(home, Map.of(), "--config", file.toString());
    assertEquals(1, r.exitCode());
    assertTrue(r.stderr().contains("broken.yaml:"), r.stderr());
    assertOneLineNoStackTrace(r);
  }

  @Test
  void aWrongMasterKeyStopsTheStart() throws Exception {
    Path home = TestConsole.newHome();
    Path file = home.resolve("cdc-console.yaml");
    Files.writeString(
        file,
        "database:\n  url: jdbc:postgresql://127.0.0.1:1/none\n  user: u\n  password: "
            + new SecretCipher("the-right-key").encrypt("pw")
            + "\n");
    Result r =
        run(
            home,
            Map.of(MasterKey.ENV, "a-wrong-master-key-long-enough-to-be-accepted"),
            "--config",
            file.toString());
    assertEquals(1, r.exitCode());
    assertTrue(r.stderr().contains("master key"), r.stderr());
    assertOneLineNoStackTrace(r);
  }

  @Test
  void anUnreachableDatabaseStopsTheStartWithOneLine() throws Exception {
    Path home = TestConsole.newHome();
    Result r =
        run(
            home,
            Map.of(
                "CDC_CONSOLE_DB_URL",
                "jdbc:postgresql://127.0.0.1:1/none",
                "CDC_CONSOLE_DB_USER",
                "u"));
    assertEquals(1, r.exitCode());
    assertTrue(r.stderr().contains("cannot start"), r.stderr());
    assertOneLineNoStackTrace(r);
  }

  @Test
  void withJsonLogsEveryLogLineIsAJsonObject() throws Exception {
    Path home = TestConsole.newHome();
    Path file = home.resolve("console.yaml");
    java.nio.file.Files.writeString(
        file,
        "log:\n  format: json\nmetrics:\n  token: a-long-enough-metrics-token\n"
            + "colour: blue\n");
    Result r =
        run(
            home,
            Map.of(
                "CDC_CONSOLE_DB_URL",
                "jdbc:postgresql://127.0.0.1:1/none",
                "CDC_CONSOLE_DB_USER",
                "u"),
            "--config",
            file.toString());
    assertEquals(1, r.exitCode(), r.stderr());
    // the switch happens once the configuration is read: from the first JSON line on, every log
    // line is JSON
    List<String> logLines =
        r.stderr()
            .lines()
            .dropWhile(l -> !l.startsWith("{"))
            .filter(l -> !l.startsWith("cdc-console:") && !l.isBlank())
            .toList();
    io.vertx.core.json.JsonObject warning =
        logLines.stream()
            .map(io.vertx.core.json.JsonObject::new)
            .filter(json -> json.getString("formattedMessage", "").contains("colour"))
            .findFirst()
            .orElseThrow(() -> new AssertionError(r.stderr()));
    assertEquals("WARN", warning.getString("level"));
    assertFalse(r.stderr().contains("a-long-enough-metrics-token"), "the token is never logged");
  }

  @Test
  void encryptReadsStandardInput() throws Exception {
    Path home = TestConsole.newHome();
    ProcessBuilder pb = command(home, Map.of(), "encrypt");
    Process p = pb.start();
    p.getOutputStream().write("hunter2-secret".getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertEquals(0, p.exitValue());
    assertTrue(out.matches("ENC\\([A-Za-z0-9+/=]+\\)"), out);
    assertEquals(
        "hunter2-secret",
        new SecretCipher(Files.readString(home.resolve("conf/master.key")).trim()).decrypt(out));
  }

  @Test
  void theCommandLineStartsAWorkingConsoleAndStopsItCleanly() throws Exception {
    Path home = TestConsole.newHome();
    Process p =
        command(home, Map.of("CDC_CONSOLE_ADMIN_PASSWORD", TestConsole.ADMIN_PASSWORD)).start();
    try (var log =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
      Integer port = null;
      for (String line; port == null && (line = log.readLine()) != null; ) {
        var m =
            java.util.regex.Pattern.compile("listening on http://[0-9.]+:(\\d+)/").matcher(line);
        if (m.find()) {
          port = Integer.parseInt(m.group(1));
        }
      }
      assertTrue(port != null, "the console never said where it listens");
      io.cdcconsole.test.Http http = new io.cdcconsole.test.Http(port);
      // listening comes first (so /health answers); /ready follows once the start-up reconcile is
      // done
      eventually(() -> http.get("/ready", null).status(), status -> status == 200);
      assertEquals(
          "admin",
          http.get("/api/v1/me", http.login("admin", TestConsole.ADMIN_PASSWORD))
              .json()
              .getString("username"));
      // the embedded server's binaries unpack into the home, not a shared /tmp
      assertTrue(Files.isDirectory(home.resolve("postgres-bin")));
      assertTrue(Files.exists(home.resolve("postgres/postmaster.pid")));

      // SIGTERM, as a service manager stops it (through the handle: Process.destroy would also
      // close the log we read after)
      p.toHandle().destroy();
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the console did not stop");
      assertEquals(143, p.exitValue(), "128 + SIGTERM");
      assertTrue(
          Files.notExists(home.resolve("postgres/postmaster.pid")),
          "the embedded PostgreSQL stopped with it");
      // in order: the database goes last, so claims and leases were given back (the embedded
      // server's library stops it from a shutdown hook of its own, which raced the console's)
      String rest = log.lines().collect(java.util.stream.Collectors.joining("\n"));
      assertTrue(rest.contains("CDC Console stopped"), rest);
      for (String symptom :
          List.of(
              "not given back",
              "did not finish cleanly",
              "terminating connection",
              "database system is shutting down")) {
        assertFalse(rest.contains(symptom), symptom + " in:\n" + rest);
      }
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void anUnknownArgumentIsAUsageError() throws Exception {
    Result r = run(TestConsole.newHome(), Map.of(), "--frobnicate");
    assertEquals(2, r.exitCode());
    assertTrue(r.stderr().contains("unknown argument"));
  }

  private static void assertOneLineNoStackTrace(Result r) {
    List<String> errorLines = r.stderr().lines().filter(l -> l.startsWith("cdc-console:")).toList();
    assertEquals(1, errorLines.size(), r.stderr());
    assertFalse(r.stderr().contains("\tat "), "no stack trace: " + r.stderr());
    assertFalse(r.stdout().contains("\tat "), "no stack trace: " + r.stdout());
  }

  private static Result run(Path home, Map<String, String> env, String... args) throws Exception {
    Process p = command(home, env, args).start();
    p.getOutputStream().close();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the process did not end");
    return new Result(
        p.exitValue(),
        new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  private static ProcessBuilder command(Path home, Map<String, String> env, String... args) {
    List<String> cmd =
        new java.util.ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "io.cdcconsole.Main"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.startsWith("CDC_CONSOLE_"));
    pb.environment().put("CDC_CONSOLE_HOME", home.toString());
    pb.environment().put("CDC_CONSOLE_HTTP_HOST", "127.0.0.1");
    pb.environment().put("CDC_CONSOLE_HTTP_PORT", "0");
    pb.environment().putAll(env);
    return pb;
  }
}
