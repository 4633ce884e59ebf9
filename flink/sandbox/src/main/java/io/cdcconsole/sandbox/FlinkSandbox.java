package io.cdcconsole.sandbox;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.minicluster.RpcServiceSharing;
import org.apache.logging.log4j.LogManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Flink 1.20 session cluster in this JVM: a {@link MiniCluster} with one JobManager, one
 * TaskManager with several slots, the REST endpoint and web UI on 127.0.0.1, web submission ({@code
 * /jars/upload}, {@code /jars/{id}/run}) on, and Flink CDC on the classpath, loaded parent-first
 * like a cluster with Flink CDC in {@code lib/}.
 *
 * <p>When the REST endpoint answers and the TaskManager has registered its slots, exactly one line
 * is printed to stdout: {@code FLINK SANDBOX READY port=<port> url=http://127.0.0.1:<port>}.
 * Everything else (logs, and anything jobs print with {@code System.out}) goes to stderr and to
 * {@code <work-dir>/log/sandbox.log}. The cluster runs until the process is stopped; SIGTERM closes
 * it cleanly.
 */
public final class FlinkSandbox {

  public static final String READY_PREFIX = "FLINK SANDBOX READY";
  public static final String HOST = "127.0.0.1";

  /** Extra parent-first pattern so user jars use the cluster's Flink CDC classes. */
  public static final String CDC_PARENT_FIRST_PATTERN = "org.apache.flink.cdc.";

  static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
  static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private FlinkSandbox() {}

  public static void main(String[] args) {
    // stdout carries only the READY line: keep it for that and send everything else to stderr.
    PrintStream stdout = System.out;
    System.setOut(System.err);

    if (SandboxOptions.wantsHelp(args)) {
      System.err.println(SandboxOptions.USAGE);
      return;
    }
    SandboxOptions options;
    try {
      options = SandboxOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("flink-sandbox: " + e.getMessage());
      System.err.println(SandboxOptions.USAGE);
      System.exit(2);
      return;
    }

    Path workDir = options.workDir();
    Path logFile = workDir.resolve("log").resolve("sandbox.log");
    try {
      for (String sub : List.of("log", "upload", "checkpoints", "savepoints", "tmp")) {
        Files.createDirectories(workDir.resolve(sub));
      }
    } catch (IOException e) {
      System.err.println("flink-sandbox: cannot create work dir " + workDir + ": " + e);
      System.exit(1);
      return;
    }
    // Before the first logger: log4j2.properties writes to ${sys:log.file}; Flink's web UI
    // shows that file under Job Manager > Logs.
    System.setProperty("log.file", logFile.toString());

    Logger log = LoggerFactory.getLogger(FlinkSandbox.class);
    Configuration config = configuration(options, logFile);
    log.info(
        "Starting Flink sandbox: port={} slots={} workDir={}",
        options.port(),
        options.slots(),
        workDir);

    MiniCluster cluster =
        new MiniCluster(
            new MiniClusterConfiguration.Builder()
                .setConfiguration(config)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(options.slots())
                .setRpcServiceSharing(RpcServiceSharing.SHARED)
                .setCommonBindAddress(HOST)
                .build());

    CountDownLatch closed = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              try {
                log.info("Stopping Flink sandbox");
                cluster.closeAsync().get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                log.info("Flink sandbox stopped");
              } catch (Exception e) {
                log.warn("Flink sandbox did not stop cleanly", e);
              } finally {
                closed.countDown();
                LogManager.shutdown();
              }
            },
            "flink-sandbox-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);

    int port;
    try {
      long started = System.nanoTime();
      cluster.start();
      URI restAddress =
          cluster.getRestAddress().get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      port = restAddress.getPort();
      awaitOverview(port, options.slots(), log);
      log.info(
          "Flink sandbox ready on http://{}:{} after {} ms, work dir {}",
          HOST,
          port,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
          workDir);
    } catch (Throwable e) {
      log.error("Flink sandbox failed to start", e);
      System.err.println("flink-sandbox: failed to start: " + e);
      System.exit(1);
      return;
    }

    // watched before READY: an owner that ends right after reading READY is then seen to end, not
    // found gone
    if (options.exitWithPid() > 0) {
      exitWith(options.exitWithPid(), log);
    }

    stdout.println(READY_PREFIX + " port=" + port + " url=http://" + HOST + ":" + port);
    stdout.flush();

    try {
      closed.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops the sandbox (running the shutdown hook) when the given process ends. */
  private static void exitWith(long pid, Logger log) {
    var parent = ProcessHandle.of(pid);
    if (parent.isEmpty() || !parent.get().isAlive()) {
      log.warn("Process {} (--exit-with-pid) is not running; stopping", pid);
      System.exit(0);
    }
    parent
        .get()
        .onExit()
        .thenRun(
            () -> {
              log.warn("Process {} (--exit-with-pid) ended; stopping", pid);
              System.exit(0);
            });
  }

  /** The cluster configuration; public so that tests and tools can see exactly what is set. */
  public static Configuration configuration(SandboxOptions options, Path logFile) {
    Path workDir = options.workDir();
    Configuration config = new Configuration();

    // REST / web UI on loopback only; RPC, blob server and shuffle bound to loopback too.
    config.set(RestOptions.BIND_ADDRESS, HOST);
    config.set(RestOptions.ADDRESS, HOST);
    config.set(RestOptions.BIND_PORT, Integer.toString(options.port()));
    if (options.port() != 0) {
      config.set(RestOptions.PORT, options.port());
    }
    config.set(JobManagerOptions.ADDRESS, "localhost");
    config.set(JobManagerOptions.BIND_HOST, HOST);
    config.set(TaskManagerOptions.HOST, "localhost");
    config.set(TaskManagerOptions.BIND_HOST, HOST);

    // Web submission: /jars/upload, /jars/{id}/run, cancel from the UI.
    config.set(WebOptions.SUBMIT_ENABLE, true);
    config.set(WebOptions.CANCEL_ENABLE, true);
    config.set(WebOptions.UPLOAD_DIR, workDir.resolve("upload").toString());
    config.set(WebOptions.TMP_DIR, workDir.resolve("tmp").toString());
    config.set(WebOptions.LOG_PATH, logFile.toString());
    config.set(TaskManagerOptions.TASK_MANAGER_LOG_PATH, logFile.toString());
    config.set(CoreOptions.TMP_DIRS, workDir.resolve("tmp").toString());

    // State: heap state backend, file:// checkpoint and savepoint directories under the work dir.
    // The 1.20 names (execution.checkpointing.dir / .savepoint-dir) and the classic names
    // (state.checkpoints.dir / state.savepoints.dir) both show in /jobmanager/config.
    String checkpoints = fileUri(workDir.resolve("checkpoints"));
    String savepoints = fileUri(workDir.resolve("savepoints"));
    config.set(StateBackendOptions.STATE_BACKEND, "hashmap");
    config.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints);
    config.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, savepoints);
    config.set(
        ConfigOptions.key("state.checkpoints.dir").stringType().noDefaultValue(), checkpoints);
    config.set(ConfigOptions.key("state.savepoints.dir").stringType().noDefaultValue(), savepoints);
    // execution.checkpointing.interval is left unset: checkpointing is off unless a job turns it
    // on.

    // Flink CDC is on the cluster classpath ("lib/"); user jars must not bring their own copy.
    config.set(
        CoreOptions.ALWAYS_PARENT_FIRST_LOADER_PATTERNS_ADDITIONAL,
        List.of(CDC_PARENT_FIRST_PATTERN));

    // Small machine: one TaskManager, several slots, little managed and network memory.
    config.set(TaskManagerOptions.NUM_TASK_SLOTS, options.slots());
    config.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("64m"));
    config.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.parse("64m"));
    config.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.parse("64m"));
    config.set(CoreOptions.DEFAULT_PARALLELISM, 1);

    for (Map.Entry<String, String> e : options.extraConfig().entrySet()) {
      config.set(ConfigOptions.key(e.getKey()).stringType().noDefaultValue(), e.getValue());
    }
    return config;
  }

  /** {@code file:///abs/dir}, without a trailing slash whether or not the directory exists yet. */
  static String fileUri(Path dir) {
    String uri = dir.toAbsolutePath().normalize().toUri().toString();
    return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
  }

  private static final Pattern TASKMANAGERS = Pattern.compile("\"taskmanagers\"\\s*:\\s*(\\d+)");
  private static final Pattern SLOTS_TOTAL = Pattern.compile("\"slots-total\"\\s*:\\s*(\\d+)");

  /** Waits until GET /overview answers with a registered TaskManager and all its slots. */
  private static void awaitOverview(int port, int slots, Logger log) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + port + "/overview"))
            .timeout(Duration.ofSeconds(5))
            .GET()
            .build();
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> response =
            http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        last = response.statusCode() + " " + response.body();
        if (response.statusCode() == 200
            && number(TASKMANAGERS, response.body()) >= 1
            && number(SLOTS_TOTAL, response.body()) >= slots) {
          return;
        }
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(100);
    }
    log.error("REST endpoint not ready in time; last answer: {}", last);
    throw new IllegalStateException("REST endpoint on port " + port + " not ready: " + last);
  }

  private static int number(Pattern pattern, String body) {
    Matcher m = pattern.matcher(body);
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }
}
