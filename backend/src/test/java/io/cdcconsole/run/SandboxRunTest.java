package io.cdcconsole.run;

import static io.cdcconsole.test.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cdcconsole.sandbox.junit.FlinkSandboxExtension;
import io.cdcconsole.sandbox.junit.MariaDbExtension;
import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.CurrentRuns;
import io.cdcconsole.test.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of the tests that run pipelines on a real sandbox: each test class brings its own sandbox
 * (the values connector keeps state in static memory of the TaskManager JVM, so some scenarios need
 * a fresh one), registered once per class as cluster "sandbox", with an operator to act.
 */
@ConsoleTest.Env({
  "CDC_CONSOLE_RUN_POLL_INTERVAL=1s",
  "CDC_CONSOLE_RUN_FAST_POLL_INTERVAL=300ms",
  "CDC_CONSOLE_RUN_LOST_GRACE=5s",
  "CDC_CONSOLE_CLUSTER_HEALTH_INTERVAL=2s"
})
public abstract class SandboxRunTest extends ConsoleTest {
  private record Setup(long clusterId, String operator) {}

  private static final Map<Class<?>, Setup> SETUPS = new ConcurrentHashMap<>();

  protected long clusterId;
  protected String operator;

  /** The sandbox of the concrete test class (a static {@code @RegisterExtension} field there). */
  protected abstract FlinkSandboxExtension flink();

  @BeforeEach
  protected void registerSandbox() {
    Setup setup =
        SETUPS.computeIfAbsent(
            getClass(),
            c -> {
              Http.Response cluster =
                  http.post(
                      "/api/v1/clusters",
                      admin,
                      new JsonObject()
                          .put("name", "sandbox")
                          .put("restUrl", flink().restUrl())
                          .put(
                              "cdc",
                              new JsonObject().put("mode", "provided").put("version", "3.2.0")));
              assertEquals(201, cluster.status(), cluster.body());
              return new Setup(
                  cluster.json().getLong("id"), console.userToken("runner", "operator"));
            });
    clusterId = setup.clusterId();
    operator = setup.operator();
  }

  /**
   * After every run test, whatever it did to runs: each pipeline names its newest run, and the
   * lists' state filters and sort agree with it (V18, {@link CurrentRuns}).
   */
  @AfterEach
  protected void currentRunsHold() throws Exception {
    CurrentRuns.check(console, operator);
  }

  /**
   * A values pipeline writing to a table of its own: the values sink keeps its tables in static
   * memory of the TaskManager JVM, so two pipelines (or two runs) writing one table collide ("col3
   * is already existed").
   */
  protected static String bounded(String table) {
    return """
        source:
          type: values
          event-set.id: SINGLE_SPLIT_SINGLE_TABLE
        sink:
          type: values
        route:
          - source-table: default_namespace.default_schema.table1
            sink-table: default_namespace.default_schema.%s
        pipeline:
          parallelism: 1
        """
        .formatted(table.replace('-', '_'));
  }

  /**
   * The values source stops at the injected failure until a checkpoint completes: without
   * checkpoints it runs on. (Its "a checkpoint completed" flag is static in the TaskManager JVM: a
   * sandbox that has completed a checkpoint or savepoint fails such jobs at once, hence the
   * separate test classes for those.)
   */
  protected static String keepsRunning(String table) {
    return bounded(table)
        .replace(
            "event-set.id: SINGLE_SPLIT_SINGLE_TABLE",
            "event-set.id: SINGLE_SPLIT_SINGLE_TABLE\n  failure.injection.index: 3");
  }

  /** A MariaDB table read by Flink CDC's MySQL connector into the values sink. */
  protected static String mariaDbToValues(MariaDbExtension db, String table, int serverId) {
    return db.sourceYaml(MariaDbExtension.DATABASE + "." + table, serverId)
        + """
        sink:
          type: values
        pipeline:
          parallelism: 1
        """;
  }

  /**
   * A run's options for a checkpoint every second into {@code dir}, failures tolerated: a job whose
   * checkpoints fail runs on (and is reported CHECKPOINT_FAILING) rather than failing.
   */
  protected static JsonObject checkpointingInto(Path dir) {
    return new JsonObject()
        .put(
            "flinkConfiguration",
            new JsonObject()
                .put("execution.checkpointing.interval", "1s")
                .put("execution.checkpointing.dir", dir.toUri().toString())
                .put("execution.checkpointing.tolerable-failed-checkpoints", "1000000"));
  }

  /**
   * Every later checkpoint of the job fails: its directory under {@code dir} becomes a file (the
   * tests run as root here, so taking the write permission away would not stop Flink).
   */
  protected static void breakCheckpoints(Path dir, String jobId) throws Exception {
    Path jobDir = dir.resolve(jobId);
    try (Stream<Path> files = Files.walk(jobDir)) {
      List<Path> all = new ArrayList<>(files.toList());
      Collections.reverse(all);
      for (Path p : all) {
        Files.deleteIfExists(p);
      }
    }
    Files.writeString(jobDir, "not a directory");
  }

  protected void pipeline(String name, String yaml) {
    Http.Response created =
        http.post(
            "/api/v1/pipelines",
            operator,
            new JsonObject().put("name", name).put("clusterId", clusterId).put("yaml", yaml));
    assertEquals(201, created.status(), created.body());
  }

  /** The run once it is in {@code state}; fails at once when it ended in another state instead. */
  protected JsonObject waitForState(String location, String state) throws Exception {
    return eventually(
        () -> {
          JsonObject run = http.get(location, operator).json();
          if (!state.equals(run.getString("state"))
              && isTerminal(run.getString("state"))
              && !isTerminal(state)) {
            throw new AssertionError("run never reached " + state + ": " + run.encodePrettily());
          }
          return run;
        },
        run -> state.equals(run.getString("state")));
  }

  private static boolean isTerminal(String state) {
    return RunState.valueOf(state).terminal();
  }

  /**
   * Flink's own view of the job; its job details are cached for a few seconds, so wait for them to
   * catch up.
   */
  protected String flinkState(String jobId, String expected) throws Exception {
    return eventually(() -> flink("/jobs/" + jobId).getString("state"), expected::equals);
  }

  /**
   * Until every task of the job runs: Flink calls a job RUNNING while its tasks still deploy, and
   * refuses a savepoint until they all run ("Not all required tasks are currently running"), a gap
   * that grows on a busy machine.
   */
  protected void waitForAllTasksRunning(String jobId) throws Exception {
    eventually(
        () -> flink("/jobs/" + jobId).getJsonArray("vertices", new JsonArray()),
        vertices ->
            !vertices.isEmpty()
                && vertices.stream()
                    .allMatch(v -> "RUNNING".equals(((JsonObject) v).getString("status"))));
  }

  protected JsonObject flink(String path) throws Exception {
    return new JsonObject(flinkText(path));
  }

  protected JsonObject flinkOrNull(String path) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(flink().restUrl() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    return r.statusCode() == 200 ? new JsonObject(r.body()) : null;
  }

  protected String flinkText(String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(flink().restUrl() + path)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** Uploads the launcher as someone would by hand (Flink's REST API); answers the jar id. */
  protected String uploadLauncher() throws Exception {
    byte[] jar;
    try (var in = SandboxRunTest.class.getClassLoader().getResourceAsStream(LauncherJar.RESOURCE)) {
      jar = in.readAllBytes();
    }
    String boundary = "----cdc" + System.nanoTime();
    var body = new java.io.ByteArrayOutputStream();
    body.write(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\"by-hand.jar\"\r\n"
                + "Content-Type: application/x-java-archive\r\n\r\n")
            .getBytes());
    body.write(jar);
    body.write(("\r\n--" + boundary + "--\r\n").getBytes());
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(flink().restUrl() + "/jars/upload"))
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    String path = new JsonObject(r.body()).getString("filename");
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
