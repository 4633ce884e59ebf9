package io.cdcconsole.launcher;

import static io.cdcconsole.sandbox.FlinkRest.PATIENCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcconsole.sandbox.junit.FlinkSandboxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The launcher jar (target/cdc-console-launcher.jar) uploaded to the real Flink sandbox and run
 * through /jars/{id}/run, the way the console does it. No checkpointing in this cluster: the values
 * source's failure injection keeps a job RUNNING here (see {@link PipelineLauncherCheckpointIT}).
 */
class PipelineLauncherIT {

  static final String SECRET = "Launcher-Secret-1";

  @RegisterExtension static FlinkSandboxExtension flink = new FlinkSandboxExtension();

  static FlinkApi api;
  static String jarId;
  static TicketServer tickets;

  @BeforeAll
  static void uploadLauncherOnce() throws Exception {
    api = new FlinkApi(flink.restUrl());
    jarId = api.uploadJarId(FlinkApi.launcherJar());
    tickets = new TicketServer();
  }

  @AfterAll
  static void closeTickets() {
    if (tickets != null) {
      tickets.close();
    }
  }

  @Test
  void yamlArgumentRunsABoundedPipelineToFinishedWithTheChosenJobIdAndName() throws Exception {
    String marker = marker();
    String name = "launcher-yaml-" + marker;
    // nested mappings (event-set.id, print.enabled) only work when the launcher flattens them
    String yaml =
        String.join(
            "\n",
            "source:",
            "  type: values",
            "  name: values source",
            "  event-set:",
            "    id: SINGLE_SPLIT_MULTI_TABLES",
            "sink:",
            "  type: values",
            "  name: values sink",
            "  print:",
            "    enabled: true",
            "transform:",
            "  - source-table: default_namespace.default_schema.table1",
            "    projection: \"*, CONCAT(col1, '-" + marker + "') AS col3\"",
            routes(marker),
            "pipeline:",
            "  name: " + name,
            "  parallelism: 1",
            "");
    String jobId = FlinkApi.newJobId();
    long start = System.nanoTime();
    FlinkApi.Response run = api.run(jarId, FlinkApi.runBody(jobId, yaml));
    long runMillis = millisSince(start);
    assertEquals(200, run.status(), run.body());
    assertEquals(jobId, run.json().path("jobid").asText());

    FlinkApi.Response job = api.get("/jobs/" + jobId);
    assertEquals(200, job.status(), job.body());
    assertEquals(name, job.json().path("name").asText());

    JsonNode finished = api.awaitJobState(jobId, Set.of("FINISHED"), PATIENCE);
    assertEquals("FINISHED", finished.path("state").asText(), finished.toString());
    assertEquals(name, finished.path("name").asText());
    report(
        "yaml argument: /jars/run "
            + runMillis
            + " ms, run to FINISHED "
            + millisSince(start)
            + " ms");

    // the values sink printed table2's events with the transform's column: the source got
    // event-set.id and the sink print.enabled from nested mappings
    String stderr = Files.readString(flink.workDir().resolve("stderr.log"), StandardCharsets.UTF_8);
    assertTrue(
        stderr.contains("default_namespace.default_schema.t2_" + marker),
        "no table2 events: event-set.id did not reach the source, or print.enabled the sink");
    assertTrue(stderr.contains("1-" + marker), "the transform's computed column is missing");
  }

  @Test
  void ticketUrlIsFetchedExactlyOnceAndThePipelineFinishesWithoutTheSecretShowing()
      throws Exception {
    String name = "launcher-ticket-" + UUID.randomUUID().toString().substring(0, 8);
    String url = tickets.ticket(secretYaml(name));
    String jobId = FlinkApi.newJobId();
    long start = System.nanoTime();
    FlinkApi.Response run = api.run(jarId, FlinkApi.runBody(jobId, url));
    assertEquals(200, run.status(), run.body());
    assertEquals(jobId, run.json().path("jobid").asText());
    assertEquals(1, tickets.hits(url));

    JsonNode finished = api.awaitJobState(jobId, Set.of("FINISHED"), PATIENCE);
    assertEquals("FINISHED", finished.path("state").asText(), finished.toString());
    assertEquals(name, finished.path("name").asText());
    report("ticket: run to FINISHED " + millisSince(start) + " ms");
    assertEquals(1, tickets.hits(url));

    assertSecretNowhere(jobId);
  }

  @Test
  void aSecretInTheYamlArgumentDoesNotShowInFlinksAnswers() throws Exception {
    String name = "launcher-secret-" + UUID.randomUUID().toString().substring(0, 8);
    String jobId = FlinkApi.newJobId();
    FlinkApi.Response run = api.run(jarId, FlinkApi.runBody(jobId, secretYaml(name)));
    assertEquals(200, run.status(), run.body());
    assertFalse(run.body().contains(SECRET), run.body());
    JsonNode finished = api.awaitJobState(jobId, Set.of("FINISHED"), PATIENCE);
    assertEquals("FINISHED", finished.path("state").asText(), finished.toString());

    assertSecretNowhere(jobId);
  }

  @Test
  void withoutPipelineParallelismTheRunRequestsParallelismApplies() throws Exception {
    String withoutName =
        String.join(
            "\n", "source:", "  type: values", "sink:", "  type: values", routes(marker()), "");
    String jobId = FlinkApi.newJobId();
    ObjectNode body = FlinkApi.runBody(jobId, withoutName);
    body.put("parallelism", 2);
    FlinkApi.Response run = api.run(jarId, body);
    assertEquals(200, run.status(), run.body());
    JsonNode job = api.awaitJobState(jobId, Set.of("FINISHED"), PATIENCE);
    assertEquals("FINISHED", job.path("state").asText(), job.toString());
    // no pipeline.name: Flink CDC's default job name
    assertEquals("Flink CDC Pipeline Job", job.path("name").asText());
    assertEquals(2, sinkParallelism(job), job.toString());

    String withParallelism =
        String.join(
            "\n",
            "source:",
            "  type: values",
            "sink:",
            "  type: values",
            routes(marker()),
            "pipeline:",
            "  parallelism: 1",
            "");
    String secondJobId = FlinkApi.newJobId();
    body = FlinkApi.runBody(secondJobId, withParallelism);
    body.put("parallelism", 2);
    assertEquals(200, api.run(jarId, body).status());
    job = api.awaitJobState(secondJobId, Set.of("FINISHED"), PATIENCE);
    assertEquals("FINISHED", job.path("state").asText(), job.toString());
    assertEquals(1, sinkParallelism(job), job.toString());
  }

  @Test
  void aJobIdCanBeUsedOnlyOnce() throws Exception {
    String yaml =
        String.join(
            "\n", "source:", "  type: values", "sink:", "  type: values", routes(marker()), "");
    String jobId = FlinkApi.newJobId();
    assertEquals(200, api.run(jarId, FlinkApi.runBody(jobId, yaml)).status());
    assertEquals(
        "FINISHED", api.awaitJobState(jobId, Set.of("FINISHED"), PATIENCE).path("state").asText());
    FlinkApi.Response again = api.run(jarId, FlinkApi.runBody(jobId, yaml));
    assertEquals(400, again.status(), again.body());
    assertTrue(
        again.body().contains("Could not submit the pipeline: Job has already been submitted."),
        again.body());
  }

  private static int sinkParallelism(JsonNode job) {
    for (JsonNode v : job.path("vertices")) {
      if (v.path("name").asText().contains("Sink")) {
        return v.path("parallelism").asInt();
      }
    }
    throw new AssertionError("no sink vertex: " + job);
  }

  @Test
  void aPipelineKeptRunningByFailureInjectionRunsAndCanBeCancelled() throws Exception {
    String name = "launcher-running-" + UUID.randomUUID().toString().substring(0, 8);
    // failure.injection.index: after 3 events the values source waits for a completed checkpoint
    // before it throws; without checkpointing it waits for ever, the job stays RUNNING
    String yaml =
        String.join(
            "\n",
            "source:",
            "  type: values",
            "  failure.injection.index: 3",
            "sink:",
            "  type: values",
            routes(marker()),
            "pipeline:",
            "  name: " + name,
            "");
    String jobId = FlinkApi.newJobId();
    long start = System.nanoTime();
    FlinkApi.Response run = api.run(jarId, FlinkApi.runBody(jobId, yaml));
    assertEquals(200, run.status(), run.body());
    api.awaitAllTasksRunning(jobId, PATIENCE);
    long runningMillis = millisSince(start);
    Thread.sleep(3000);
    assertEquals("RUNNING", api.get("/jobs/" + jobId).json().path("state").asText());

    FlinkApi.Response cancel = api.patch("/jobs/" + jobId + "?mode=cancel");
    assertEquals(202, cancel.status(), cancel.body());
    JsonNode canceled = api.awaitJobState(jobId, Set.of("CANCELED"), PATIENCE);
    assertEquals("CANCELED", canceled.path("state").asText(), canceled.toString());
    report(
        "running: all tasks RUNNING after "
            + runningMillis
            + " ms, CANCELED "
            + millisSince(start)
            + " ms after the run request (incl. 3 s wait)");
  }

  @Test
  void anUnknownConnectorMakesRunAnswer400WithTheCause() throws Exception {
    String yaml =
        String.join(
            "\n",
            "source:",
            "  type: values",
            "  password: " + SECRET,
            "sink:",
            "  type: nosuch-connector",
            "  password: " + SECRET,
            "pipeline:",
            "  name: launcher-unknown",
            "");
    String jobId = FlinkApi.newJobId();
    long start = System.nanoTime();
    FlinkApi.Response run = api.run(jarId, FlinkApi.runBody(jobId, yaml));
    report("unknown connector: /jars/run answered in " + millisSince(start) + " ms: " + run);
    assertEquals(400, run.status(), run.body());
    String errors = run.json().path("errors").toString();
    assertTrue(errors.contains("Could not build the pipeline"), errors);
    assertTrue(
        errors.contains("Cannot find factory with identifier \\\"nosuch-connector\\\""), errors);
    assertFalse(run.body().contains(SECRET), run.body());
    assertEquals(404, api.get("/jobs/" + jobId).status());
    assertFalse(log().contains(SECRET), "the secret is in the sandbox log");
  }

  @Test
  void invalidYamlMakesRunAnswer400WithTheLineButNotTheText() throws Exception {
    String yaml =
        "source:\n  type: values\n  password: " + SECRET + ": oops\nsink:\n  type: values\n";
    String jobId = FlinkApi.newJobId();
    FlinkApi.Response run = api.run(jarId, FlinkApi.runBody(jobId, yaml));
    report("invalid YAML: " + run);
    assertEquals(400, run.status(), run.body());
    assertTrue(
        run.body().contains("The pipeline is not valid YAML at line 3, column "), run.body());
    assertFalse(run.body().contains(SECRET), run.body());
    assertFalse(log().contains(SECRET), "the secret is in the sandbox log");
  }

  @Test
  void aUsedTicketMakesRunAnswer400WithTheHttpStatus() throws Exception {
    String url = tickets.ticket(secretYaml("launcher-used-ticket"));
    String firstJobId = FlinkApi.newJobId();
    assertEquals(200, api.run(jarId, FlinkApi.runBody(firstJobId, url)).status());
    assertEquals(
        "FINISHED",
        api.awaitJobState(firstJobId, Set.of("FINISHED"), PATIENCE).path("state").asText());
    String jobId = FlinkApi.newJobId();
    FlinkApi.Response again = api.run(jarId, FlinkApi.runBody(jobId, url));
    report("used ticket: " + again);
    assertEquals(400, again.status(), again.body());
    assertTrue(again.body().contains("failed with HTTP 410"), again.body());
    assertEquals(2, tickets.hits(url));
    assertEquals(404, api.get("/jobs/" + jobId).status());
  }

  // ---------------------------------------------------------------- helpers

  /**
   * A bounded values pipeline with a secret-looking option on source and sink (values ignores
   * unknown options).
   */
  static String secretYaml(String name) {
    return String.join(
        "\n",
        "source:",
        "  type: values",
        "  password: " + SECRET,
        "  credentials:",
        "    token: " + SECRET,
        "sink:",
        "  type: values",
        "  password: " + SECRET,
        routes(marker()),
        "pipeline:",
        "  name: " + name,
        "  parallelism: 1",
        "");
  }

  private static void assertSecretNowhere(String jobId) throws Exception {
    for (Map.Entry<String, FlinkApi.Response> e : api.jobAnswers(jobId).entrySet()) {
      FlinkApi.Response r = e.getValue();
      assertFalse(r.body().contains(SECRET), e.getKey() + " shows the secret: " + r);
      assertFalse(r.body().contains("source:"), e.getKey() + " shows the YAML: " + r);
    }
    for (String path :
        List.of(
            "/jobs/" + jobId + "/config",
            "/jobs/" + jobId + "/plan",
            "/jobs/" + jobId + "/jobmanager/config",
            "/jars",
            "/jobmanager/config")) {
      FlinkApi.Response r = api.get(path);
      assertEquals(200, r.status(), path + ": " + r);
    }
    assertFalse(log().contains(SECRET), "the secret is in the sandbox log or output");
  }

  /** The sandbox's log, stdout and stderr. */
  private static String log() throws Exception {
    StringBuilder sb = new StringBuilder();
    for (Path file :
        List.of(
            flink.logFile(),
            flink.workDir().resolve("stdout.log"),
            flink.workDir().resolve("stderr.log"))) {
      if (Files.isRegularFile(file)) {
        sb.append(Files.readString(file, StandardCharsets.UTF_8));
      }
    }
    return sb.toString();
  }

  static String marker() {
    return UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  /**
   * Routes the values tables to sink tables of their own. The values connector keeps its tables in
   * static fields of the TaskManager JVM (ValuesDatabase): without this, the second pipeline
   * writing table1 fails ("col3 is already existed").
   */
  static String routes(String marker) {
    return String.join(
        "\n",
        "route:",
        "  - source-table: default_namespace.default_schema.table1",
        "    sink-table: default_namespace.default_schema.t1_" + marker,
        "  - source-table: default_namespace.default_schema.table2",
        "    sink-table: default_namespace.default_schema.t2_" + marker);
  }

  static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  static void report(String line) {
    System.out.println("LAUNCHER-IT " + line);
  }
}
