package io.cdcconsole.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar as a user runs it: stdout carries only the READY line, bad arguments exit 2,
 * --exit-with-pid.
 */
class FlinkSandboxProcessIT {

  @TempDir Path tmp;

  static List<String> command(String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-jar",
                System.getProperty("cdc.flink.sandbox.jar", "target/flink-sandbox.jar")));
    command.addAll(List.of(args));
    return command;
  }

  @Test
  void badArgumentsExitWithCode2AndNothingOnStdout() throws Exception {
    Process p =
        new ProcessBuilder(command("--slots", "zero"))
            .redirectError(tmp.resolve("err").toFile())
            .start();
    String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertEquals(2, p.exitValue());
    assertEquals("", stdout);
    assertTrue(Files.readString(tmp.resolve("err")).contains("Usage:"));
  }

  @Test
  void printsOnlyTheReadyLineAndStopsWhenTheWatchedProcessEnds() throws Exception {
    // The watched process lives until the test ends it (cat waits on its stdin), not for a fixed
    // time: a
    // timed one (sleep 60) could end by itself while a loaded machine is still starting the
    // sandbox, and the
    // sandbox would then stop for the wrong reason ("is not running") before the test ends the
    // process.
    Process watched = new ProcessBuilder("cat").start();
    Path workDir = tmp.resolve("work");
    Process sandbox =
        new ProcessBuilder(
                command(
                    "--port",
                    "0",
                    "--work-dir",
                    workDir.toString(),
                    "--slots",
                    "1",
                    "--exit-with-pid",
                    Long.toString(watched.pid())))
            .redirectError(tmp.resolve("stderr").toFile())
            .start();
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(sandbox.getInputStream(), StandardCharsets.UTF_8))) {
      String first = out.readLine();
      assertTrue(
          first != null
              && first.matches("FLINK SANDBOX READY port=\\d+ url=http://127\\.0\\.0\\.1:\\d+"),
          "first stdout line: " + first);

      assertTrue(watched.isAlive(), "the watched process ends only when the test ends it");
      watched.destroy();
      // generous: the shutdown hook alone may take FlinkSandbox.CLOSE_TIMEOUT (30 s) on a busy
      // machine
      assertTrue(
          sandbox.waitFor(180, TimeUnit.SECONDS), "sandbox did not stop after its watched process");
      assertEquals(null, out.readLine(), "stdout has only the READY line");
    } finally {
      sandbox.destroyForcibly();
      watched.destroyForcibly();
    }
    String log = Files.readString(workDir.resolve("log").resolve("sandbox.log"));
    assertTrue(log.contains("(--exit-with-pid) ended; stopping"), log);
    assertTrue(log.contains("Flink sandbox stopped"), log);
    // INFO logging also goes to stderr
    assertTrue(Files.readString(tmp.resolve("stderr")).contains("Flink sandbox ready on"));
  }
}
