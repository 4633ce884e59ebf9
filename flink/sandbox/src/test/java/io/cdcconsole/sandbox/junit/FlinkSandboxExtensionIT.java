package io.cdcconsole.sandbox.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * The extension's own behaviour: logs kept on failure, work dir removed on success, start failures
 * explained.
 */
class FlinkSandboxExtensionIT {

  static final String SELFTEST = "flink.sandbox.selftest";

  static volatile long samplePid;
  static volatile Path sampleWorkDir;

  @BeforeEach
  void enableSamples() {
    System.setProperty(SELFTEST, "true");
    samplePid = 0;
    sampleWorkDir = null;
  }

  @AfterEach
  void disableSamples() throws IOException {
    System.clearProperty(SELFTEST);
    // The samples fail on purpose: do not leave their logs where real failures are looked for.
    for (String sample : List.of("FailingSample", "PassingSample", "BrokenJvmSample")) {
      Files.deleteIfExists(Path.of("target", "flink-sandbox-logs", sample + ".log"));
      try (Stream<Path> dirs = Files.list(Path.of("target", "flink-sandbox"))) {
        for (Path dir :
            dirs.filter(d -> d.getFileName().toString().startsWith(sample + "-")).toList()) {
          try (Stream<Path> tree = Files.walk(dir)) {
            for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
              Files.deleteIfExists(p);
            }
          }
        }
      } catch (NoSuchFileException e) {
        // nothing started
      }
    }
  }

  @Test
  void failedTestKeepsTheSandboxLogAndStopsTheProcess() throws Exception {
    Path kept = Path.of("target", "flink-sandbox-logs", "FailingSample.log");
    Files.deleteIfExists(kept);

    EngineExecutionResults results = run(FailingSample.class);
    results.testEvents().assertStatistics(s -> s.started(1).failed(1));

    assertTrue(samplePid > 0);
    assertProcessGone(samplePid);
    assertTrue(Files.isRegularFile(kept), kept + " missing");
    String log = Files.readString(kept, StandardCharsets.UTF_8);
    assertTrue(log.contains("FLINK SANDBOX READY port="), "READY line not in the kept log");
    assertTrue(log.contains("Flink sandbox stopped"), "sandbox.log not in the kept log");
    assertTrue(Files.isDirectory(sampleWorkDir), "work dir of a failed class is kept");
  }

  @Test
  void passingClassDeletesItsWorkDir() throws Exception {
    EngineExecutionResults results = run(PassingSample.class);
    results.testEvents().assertStatistics(s -> s.started(1).succeeded(1));

    assertProcessGone(samplePid);
    assertNotNull(sampleWorkDir);
    assertFalse(Files.exists(sampleWorkDir), sampleWorkDir + " should be deleted");
    assertFalse(Files.exists(Path.of("target", "flink-sandbox-logs", "PassingSample.log")));
  }

  @Test
  void processDyingBeforeReadyFailsTheClassWithItsOutput() {
    EngineExecutionResults results = run(BrokenJvmSample.class);
    Event failed =
        results.containerEvents().failed().stream()
            .filter(e -> e.getTestDescriptor().getUniqueId().toString().contains("BrokenJvmSample"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("class did not fail"));
    Throwable cause =
        failed
            .getPayload(org.junit.platform.engine.TestExecutionResult.class)
            .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable)
            .orElseThrow();
    assertTrue(cause.getMessage().contains("exited with code"), cause.getMessage());
    assertTrue(cause.getMessage().contains("stderr.log"), cause.getMessage());
    assertTrue(
        cause.getMessage().contains("heap"),
        "the JVM's own complaint is shown: " + cause.getMessage());
    assertTrue(Files.isRegularFile(Path.of("target", "flink-sandbox-logs", "BrokenJvmSample.log")));
  }

  private static EngineExecutionResults run(Class<?> sample) {
    return EngineTestKit.engine("junit-jupiter").selectors(selectClass(sample)).execute();
  }

  private static void assertProcessGone(long pid) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("sandbox process " + pid + " still alive");
      }
      Thread.sleep(100);
    }
  }

  // ------------------------------------------------------------ samples, run only through
  // EngineTestKit

  @EnabledIfSystemProperty(named = SELFTEST, matches = "true")
  static class FailingSample {
    @RegisterExtension static FlinkSandboxExtension flink = new FlinkSandboxExtension().slots(1);

    @Test
    void fails() {
      samplePid = flink.pid();
      sampleWorkDir = flink.workDir().getParent();
      assertEquals(0, flink.port(), "fails on purpose");
    }
  }

  @EnabledIfSystemProperty(named = SELFTEST, matches = "true")
  static class PassingSample {
    @RegisterExtension static FlinkSandboxExtension flink = new FlinkSandboxExtension().slots(1);

    @Test
    void passes() {
      samplePid = flink.pid();
      sampleWorkDir = flink.workDir().getParent();
      assertTrue(flink.isRunning());
    }
  }

  @EnabledIfSystemProperty(named = SELFTEST, matches = "true")
  static class BrokenJvmSample {
    @RegisterExtension
    static FlinkSandboxExtension flink =
        new FlinkSandboxExtension()
            .jvmArgs("-Xmx1m")
            .startTimeout(Duration.ofSeconds(120)); // an upper bound only: the JVM fails at once

    @Test
    void neverRuns() {}
  }
}
