package io.cdcconsole.sandbox.junit;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Starts a real Flink session cluster (the CDC Console Flink sandbox, {@code flink-sandbox.jar}:
 * Flink 1.20 MiniCluster with REST, web submission and Flink CDC parent-first) in a separate JVM
 * for the tests of one class, and stops it afterwards.
 *
 * <p>Usage, once per test class:
 *
 * <pre>{@code
 * class MyFlinkIT {
 *     @RegisterExtension
 *     static FlinkSandboxExtension flink = new FlinkSandboxExtension();
 *
 *     @Test
 *     void talksToFlink() {
 *         String url = flink.restUrl(); // http://127.0.0.1:<port>, e.g. url + "/overview"
 *     }
 * }
 * }</pre>
 *
 * <p>The field must be {@code static}: the sandbox starts in {@code beforeAll} and stops in {@code
 * afterAll}. It starts {@code java -jar <jar> --port 0 --work-dir <dir>} and waits (at most {@link
 * #startTimeout(Duration) 180 s}) for the line {@code FLINK SANDBOX READY port=N ...} on its
 * stdout; if the process dies or the line does not come, the class fails with the last lines of the
 * sandbox log. The port is free-chosen by the sandbox; {@link #restUrl()} and {@link #port()} tell
 * it.
 *
 * <p>Cluster outages: {@link #stop()} ends the process (SIGTERM, then kill after 30 s), so the port
 * is closed; {@link #start()} starts a new sandbox on the same port, without the old jobs (each
 * start has its own work dir {@code run-N}; checkpoints and savepoints of earlier runs stay on disk
 * until the class ends, so a new run can restore from them).
 *
 * <p>The jar is taken from the system property {@code cdc.flink.sandbox.jar}, else from {@code
 * flink/sandbox/target/flink-sandbox.jar} looked for from the working directory (build it with
 * {@code ./mvnw -pl flink/sandbox package -DskipTests}). Other system properties: {@code
 * cdc.flink.sandbox.jvmArgs} (default {@code -Xmx1g}), {@code cdc.flink.sandbox.startTimeout}
 * (seconds), {@code cdc.flink.sandbox.targetDir} (default {@code target}), {@code
 * cdc.flink.sandbox.keep=true} to keep work dirs of passing classes.
 *
 * <p>Files: work dirs under {@code target/flink-sandbox/<TestClass>-<id>/run-N} (sandbox log in
 * {@code log/sandbox.log}, process stdout/stderr next to it). When a test of the class failed (or
 * the class setup did), the logs of all runs are copied to {@code
 * target/flink-sandbox-logs/<TestClass>.log} and the work dir is kept; otherwise the work dir is
 * deleted. A JVM shutdown hook kills the sandbox if the test JVM exits without {@code afterAll},
 * and the sandbox stops by itself when the test JVM is gone ({@code --exit-with-pid}), even after a
 * {@code kill -9}.
 *
 * <p>Self-contained on purpose: JUnit 5 and the JDK only.
 */
public final class FlinkSandboxExtension
    implements BeforeAllCallback, AfterAllCallback, TestWatcher {

  public static final String JAR_PROPERTY = "cdc.flink.sandbox.jar";
  public static final String JVM_ARGS_PROPERTY = "cdc.flink.sandbox.jvmArgs";
  public static final String START_TIMEOUT_PROPERTY = "cdc.flink.sandbox.startTimeout";
  public static final String TARGET_DIR_PROPERTY = "cdc.flink.sandbox.targetDir";
  public static final String KEEP_PROPERTY = "cdc.flink.sandbox.keep";

  private static final String HOST = "127.0.0.1";
  private static final Pattern READY =
      Pattern.compile("^FLINK SANDBOX READY port=(\\d+) url=(\\S+)\\s*$");
  private static final List<String> JAR_CANDIDATES =
      List.of(
          "flink/sandbox/target/flink-sandbox.jar",
          "../flink/sandbox/target/flink-sandbox.jar",
          "../../flink/sandbox/target/flink-sandbox.jar",
          "target/flink-sandbox.jar");
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final int TAIL_LINES = 60;

  private int slots = 8;
  private final List<String> extraConfig = new ArrayList<>();
  private Path sandboxJar;
  private List<Path> flinkCdcJars; // null: the Flink CDC the sandbox was built with (its lib/)
  private List<String> jvmArgs;
  private Duration startTimeout;

  // state of the current test class
  private String testClassName = "FlinkSandbox";
  private Path baseDir;
  private int runCount;
  private int port; // 0 until the first start; then kept so that start() reuses it
  private boolean failed;

  // state of the current process
  private Process process;
  private Path runDir;
  private Thread stdoutReader;
  private Thread killOnExit;

  public FlinkSandboxExtension() {}

  /** Task slots of the TaskManager (default 8). */
  public FlinkSandboxExtension slots(int slots) {
    if (slots < 1) {
      throw new IllegalArgumentException("slots must be at least 1");
    }
    this.slots = slots;
    return this;
  }

  /** An extra Flink configuration option for the sandbox ({@code --conf key=value}). */
  public FlinkSandboxExtension config(String key, String value) {
    extraConfig.add(key + "=" + value);
    return this;
  }

  /**
   * Another sandbox jar than the default one, e.g. the Flink 2 sandbox ({@code
   * flink/sandbox-flink2}); relative paths are looked for from the working directory and its
   * parents.
   */
  public FlinkSandboxExtension sandboxJar(Path jar) {
    this.sandboxJar = jar;
    return this;
  }

  /**
   * Puts this Flink CDC on the sandbox's class path instead of the one it was built with: the given
   * jars, or all jars of the given directories (e.g. {@code ../shared/flink-cdc/3.5.0}, see {@link
   * FlinkCdcVersion}). The sandbox then runs with {@code -cp}: its classes ({@code
   * flink-sandbox-core.jar}), its {@code lib/} without {@code flink-cdc-*} jars, these jars, and
   * the {@code --add-opens}/{@code --add-exports} of its manifest.
   */
  public FlinkSandboxExtension flinkCdc(List<Path> jarsOrDirs) {
    List<Path> jars = new ArrayList<>();
    for (Path p : jarsOrDirs) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> list = Files.list(p)) {
          list.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().forEach(jars::add);
        } catch (IOException e) {
          throw new UncheckedIOException("Cannot list " + p, e);
        }
      } else if (Files.isRegularFile(p)) {
        jars.add(p);
      } else {
        throw new IllegalArgumentException("No Flink CDC jar or directory " + p);
      }
    }
    if (jars.isEmpty()) {
      throw new IllegalArgumentException("No Flink CDC jars in " + jarsOrDirs);
    }
    this.flinkCdcJars = List.copyOf(jars);
    return this;
  }

  /**
   * JVM options of the sandbox process (default: system property {@value #JVM_ARGS_PROPERTY} or
   * {@code -Xmx1g}).
   */
  public FlinkSandboxExtension jvmArgs(String... args) {
    this.jvmArgs = List.of(args);
    return this;
  }

  /**
   * How long to wait for the READY line (default 120 s or system property {@value
   * #START_TIMEOUT_PROPERTY}).
   */
  public FlinkSandboxExtension startTimeout(Duration timeout) {
    this.startTimeout = timeout;
    return this;
  }

  // ---------------------------------------------------------------- JUnit callbacks

  @Override
  public void beforeAll(ExtensionContext context) {
    testClassName = context.getTestClass().map(Class::getSimpleName).orElse("FlinkSandbox");
    baseDir =
        targetDir()
            .resolve("flink-sandbox")
            .resolve(testClassName + "-" + UUID.randomUUID().toString().substring(0, 8));
    runCount = 0;
    port = 0;
    failed = false;
    start();
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    failed = true;
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (context.getExecutionException().isPresent()) {
      failed = true;
    }
    finish(failed);
  }

  /**
   * For a sandbox used without {@code @RegisterExtension} (e.g. one per parameter of a test): names
   * its work dir and kept log ({@code target/flink-sandbox-logs/<name>.log}) before {@link
   * #start()}.
   */
  public synchronized FlinkSandboxExtension name(String name) {
    this.testClassName = name;
    this.baseDir = null;
    return this;
  }

  /**
   * Stops the sandbox and keeps its logs if {@code failed}, else deletes its work dir (what {@code
   * afterAll} does).
   */
  public synchronized void finish(boolean failed) {
    this.failed |= failed;
    try {
      stop();
    } finally {
      if (this.failed) {
        keepLogs();
      } else if (!Boolean.getBoolean(KEEP_PROPERTY)) {
        deleteRecursively(baseDir);
      }
    }
  }

  // ---------------------------------------------------------------- public API

  /**
   * {@code http://127.0.0.1:<port>}; still answers after {@link #stop()} (the port is kept for
   * {@link #start()}).
   */
  public String restUrl() {
    return "http://" + HOST + ":" + port();
  }

  /** The REST port; still answers after {@link #stop()}. */
  public int port() {
    if (port == 0) {
      throw new IllegalStateException(
          "The Flink sandbox has not been started"
              + " (register the extension on a static field with @RegisterExtension)");
    }
    return port;
  }

  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Work dir of the current (or last) run: log/, upload/, checkpoints/, savepoints/. */
  public synchronized Path workDir() {
    if (runDir == null) {
      throw new IllegalStateException("The Flink sandbox has not been started");
    }
    return runDir;
  }

  /** The sandbox log of the current (or last) run. */
  public Path logFile() {
    return workDir().resolve("log").resolve("sandbox.log");
  }

  /** Process id of the running sandbox. */
  public synchronized long pid() {
    if (process == null) {
      throw new IllegalStateException("The Flink sandbox is not running");
    }
    return process.pid();
  }

  /**
   * Starts a sandbox process and waits for it to be ready. The first start picks a free port; later
   * starts (after {@link #stop()}) use the same port again, with a fresh cluster.
   */
  public synchronized void start() {
    if (isRunning()) {
      throw new IllegalStateException("The Flink sandbox is already running on port " + port);
    }
    if (baseDir == null) {
      baseDir =
          targetDir()
              .resolve("flink-sandbox")
              .resolve(testClassName + "-" + UUID.randomUUID().toString().substring(0, 8));
    }
    runCount++;
    runDir = baseDir.resolve("run-" + runCount);
    try {
      Files.createDirectories(runDir);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create " + runDir, e);
    }
    Path jar = jar();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(effectiveJvmArgs());
    command.add("-Dflink.sandbox.stderr.level=WARN");
    if (flinkCdcJars == null) {
      command.addAll(List.of("-jar", jar.toString()));
    } else {
      command.addAll(SandboxClassPath.command(jar, flinkCdcJars));
    }
    command.addAll(
        List.of(
            "--port", Integer.toString(port),
            "--work-dir", runDir.toString(),
            "--slots", Integer.toString(slots),
            "--exit-with-pid", Long.toString(ProcessHandle.current().pid())));
    for (String kv : extraConfig) {
      command.add("--conf");
      command.add(kv);
    }
    Path stdoutLog = runDir.resolve("stdout.log");
    Path stderrLog = runDir.resolve("stderr.log");
    try {
      Files.writeString(
          runDir.resolve("command.txt"), String.join(" ", command) + System.lineSeparator());
      process =
          new ProcessBuilder(command)
              .directory(runDir.toFile())
              .redirectErrorStream(false)
              .redirectError(stderrLog.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(nullFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start the Flink sandbox: " + command, e);
    }
    Process started = process;
    killOnExit = new Thread(() -> kill(started), "flink-sandbox-kill-on-exit");
    Runtime.getRuntime().addShutdownHook(killOnExit);

    CompletableFuture<Integer> ready = new CompletableFuture<>();
    stdoutReader = new Thread(() -> readStdout(started, stdoutLog, ready), "flink-sandbox-stdout");
    stdoutReader.setDaemon(true);
    stdoutReader.start();

    Duration timeout = effectiveStartTimeout();
    long deadline = System.nanoTime() + timeout.toNanos();
    String problem = null;
    while (!ready.isDone() && started.isAlive() && System.nanoTime() < deadline) {
      sleep(50);
    }
    if (!ready.isDone() && !started.isAlive()) {
      joinQuietly(stdoutReader, 2000); // the READY line may still be in the pipe
    }
    if (ready.isDone() && !ready.isCompletedExceptionally() && started.isAlive()) {
      int readyPort = ready.join();
      if (port != 0 && readyPort != port) {
        problem = "The Flink sandbox answered on port " + readyPort + " instead of " + port;
      } else {
        port = readyPort;
        return;
      }
    } else if (!started.isAlive() || awaitExit(started, 2000)) {
      problem =
          "The Flink sandbox process exited with code "
              + started.exitValue()
              + " before it was ready";
    } else if (ready.isCompletedExceptionally()) {
      problem = "The Flink sandbox closed its stdout before it was ready";
    } else {
      problem = "The Flink sandbox was not ready within " + timeout.toSeconds() + " s";
    }
    failed = true;
    stopProcess();
    throw new IllegalStateException(
        problem
            + " (command: "
            + String.join(" ", command)
            + ")"
            + System.lineSeparator()
            + diagnostics());
  }

  /**
   * Stops the sandbox process (SIGTERM, kill after 30 s). The port stays known for {@link
   * #start()}.
   */
  public synchronized void stop() {
    stopProcess();
  }

  /**
   * Kills the sandbox process (SIGKILL), as a host or network outage: unlike {@link #stop()}, Flink
   * reports nothing on the way down (a graceful stop fails the running jobs first, and a watcher
   * may see them FAILED). The port stays known for {@link #start()}.
   */
  public synchronized void crash() {
    if (process != null) {
      process.destroyForcibly();
    }
    stopProcess();
  }

  // ---------------------------------------------------------------- internals

  private void stopProcess() {
    Process p = process;
    if (p == null) {
      return;
    }
    try {
      p.destroy();
      if (!p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      joinQuietly(stdoutReader, 2000);
      if (killOnExit != null) {
        try {
          Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException shuttingDown) {
          // the hook runs anyway
        }
      }
      process = null;
      stdoutReader = null;
      killOnExit = null;
    }
  }

  private static void kill(Process p) {
    if (!p.isAlive()) {
      return;
    }
    p.destroy();
    try {
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
    }
  }

  private static void readStdout(Process p, Path stdoutLog, CompletableFuture<Integer> ready) {
    try (BufferedReader in =
            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        BufferedWriter out =
            Files.newBufferedWriter(
                stdoutLog,
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
      String line;
      while ((line = in.readLine()) != null) {
        out.write(line);
        out.newLine();
        out.flush();
        Matcher m = READY.matcher(line);
        if (!ready.isDone() && m.matches()) {
          ready.complete(Integer.parseInt(m.group(1)));
        }
      }
    } catch (IOException e) {
      // the stream closes when the process ends
    } finally {
      if (!ready.isDone()) {
        ready.completeExceptionally(
            new IllegalStateException("stdout closed before the READY line"));
      }
    }
  }

  private String diagnostics() {
    StringBuilder sb = new StringBuilder();
    if (runDir != null) {
      appendTail(sb, runDir.resolve("log").resolve("sandbox.log"));
      appendTail(sb, runDir.resolve("stderr.log"));
      appendTail(sb, runDir.resolve("stdout.log"));
    }
    return sb.toString();
  }

  private static void appendTail(StringBuilder sb, Path file) {
    sb.append("--- last lines of ").append(file).append(" ---").append(System.lineSeparator());
    if (!Files.isRegularFile(file)) {
      sb.append("(missing)").append(System.lineSeparator());
      return;
    }
    Deque<String> tail = new ArrayDeque<>();
    try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
      lines.forEach(
          l -> {
            tail.addLast(l);
            if (tail.size() > TAIL_LINES) {
              tail.removeFirst();
            }
          });
    } catch (IOException | UncheckedIOException e) {
      sb.append("(unreadable: ").append(e).append(")").append(System.lineSeparator());
    }
    tail.forEach(l -> sb.append(l).append(System.lineSeparator()));
  }

  private void keepLogs() {
    if (baseDir == null || !Files.isDirectory(baseDir)) {
      return;
    }
    Path target = targetDir().resolve("flink-sandbox-logs").resolve(testClassName + ".log");
    try {
      Files.createDirectories(target.getParent());
      try (BufferedWriter out = Files.newBufferedWriter(target, StandardCharsets.UTF_8)) {
        for (int run = 1; run <= runCount; run++) {
          Path dir = baseDir.resolve("run-" + run);
          for (Path file :
              List.of(
                  dir.resolve("command.txt"),
                  dir.resolve("log").resolve("sandbox.log"),
                  dir.resolve("stderr.log"),
                  dir.resolve("stdout.log"))) {
            out.write("===== run-" + run + ": " + file + " =====");
            out.newLine();
            if (Files.isRegularFile(file)) {
              try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
                for (String line : (Iterable<String>) lines::iterator) {
                  out.write(line);
                  out.newLine();
                }
              } catch (UncheckedIOException e) {
                out.write("(unreadable: " + e + ")");
                out.newLine();
              }
            } else {
              out.write("(missing)");
              out.newLine();
            }
          }
        }
      }
      System.err.println(
          "Flink sandbox logs of "
              + testClassName
              + " kept in "
              + target
              + " (work dir "
              + baseDir
              + ")");
    } catch (IOException e) {
      System.err.println("Could not keep the Flink sandbox logs in " + target + ": " + e);
    }
  }

  private Path jar() {
    if (sandboxJar != null) {
      Path jar =
          ProjectPaths.find(sandboxJar)
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "Flink sandbox jar "
                              + sandboxJar
                              + " not found from "
                              + Path.of("").toAbsolutePath()
                              + "; build its module first"));
      return jar;
    }
    String configured = System.getProperty(JAR_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      Path jar = Path.of(configured).toAbsolutePath().normalize();
      if (!Files.isRegularFile(jar)) {
        throw new IllegalStateException(
            "Flink sandbox jar "
                + jar
                + " (system property "
                + JAR_PROPERTY
                + ") does not exist; build it with ./mvnw -pl flink/sandbox package -DskipTests");
      }
      return jar;
    }
    for (String candidate : JAR_CANDIDATES) {
      Path jar = Path.of(candidate).toAbsolutePath().normalize();
      if (Files.isRegularFile(jar)) {
        return jar;
      }
    }
    throw new IllegalStateException(
        "Flink sandbox jar not found (looked for "
            + JAR_CANDIDATES
            + " from "
            + Path.of("").toAbsolutePath()
            + "); set -D"
            + JAR_PROPERTY
            + "=... or build it with ./mvnw -pl flink/sandbox package -DskipTests");
  }

  private List<String> effectiveJvmArgs() {
    if (jvmArgs != null) {
      return jvmArgs;
    }
    String property = System.getProperty(JVM_ARGS_PROPERTY);
    if (property != null && !property.isBlank()) {
      return Arrays.asList(property.trim().split("\\s+"));
    }
    return List.of("-Xmx1g");
  }

  private Duration effectiveStartTimeout() {
    if (startTimeout != null) {
      return startTimeout;
    }
    return Duration.ofSeconds(Long.getLong(START_TIMEOUT_PROPERTY, 180L));
  }

  private static Path targetDir() {
    return Path.of(Optional.ofNullable(System.getProperty(TARGET_DIR_PROPERTY)).orElse("target"))
        .toAbsolutePath()
        .normalize();
  }

  private static java.io.File nullFile() {
    return new java.io.File(
        System.getProperty("os.name", "").startsWith("Windows") ? "NUL" : "/dev/null");
  }

  private static void deleteRecursively(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  // best effort
                }
              });
    } catch (IOException | UncheckedIOException e) {
      // best effort
    }
  }

  private static boolean awaitExit(Process p, long millis) {
    try {
      return p.waitFor(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void joinQuietly(Thread t, long millis) {
    if (t == null) {
      return;
    }
    try {
      t.join(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for the Flink sandbox", e);
    }
  }
}
