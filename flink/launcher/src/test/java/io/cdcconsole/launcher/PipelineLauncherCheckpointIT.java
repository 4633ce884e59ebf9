package io.cdcconsole.launcher;

import static io.cdcconsole.launcher.PipelineLauncherIT.marker;
import static io.cdcconsole.launcher.PipelineLauncherIT.millisSince;
import static io.cdcconsole.launcher.PipelineLauncherIT.report;
import static io.cdcconsole.launcher.PipelineLauncherIT.routes;
import static io.cdcconsole.sandbox.FlinkRest.PATIENCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcconsole.sandbox.junit.FlinkSandboxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Checkpointing, failures and savepoints of launcher-submitted pipelines on the real sandbox.
 *
 * <p>The values source's failure injection ({@code failure.injection.index: N}) works with two
 * static flags of its reader class, shared by every job of the TaskManager JVM: after N events it
 * waits until any values source reader saw a completed checkpoint (or savepoint), then throws
 * {@code RuntimeException("Artificial Exception.")} once per JVM. So each test here starts on a
 * fresh sandbox process (and uploads the launcher again, as the console does for a new cluster).
 */
class PipelineLauncherCheckpointIT {

  @RegisterExtension static FlinkSandboxExtension flink = new FlinkSandboxExtension();

  FlinkApi api;
  String jarId;

  @BeforeEach
  void freshSandbox(TestInfo test) throws Exception {
    long start = System.nanoTime();
    if (flink.isRunning() && !isFirstTest) {
      flink.stop();
      flink.start();
    }
    isFirstTest = false;
    api = new FlinkApi(flink.restUrl());
    jarId = api.uploadJarId(FlinkApi.launcherJar());
    report(
        test.getDisplayName()
            + ": sandbox ready and launcher uploaded in "
            + millisSince(start)
            + " ms");
  }

  static boolean isFirstTest = true;

  static String injectedFailureYaml(String name, String marker) {
    return String.join(
        "\n",
        "source:",
        "  type: values",
        "  failure:",
        "    injection:",
        "      index: 3",
        "sink:",
        "  type: values",
        routes(marker),
        "pipeline:",
        "  name: " + name,
        "");
  }

  @Test
  void withCheckpointingAndNoRestartsTheInjectedFailureFailsTheJobWithItsRootCause()
      throws Exception {
    String name = "launcher-failure-" + marker();
    String jobId = FlinkApi.newJobId();
    ObjectNode body =
        FlinkApi.withFlinkConfiguration(
            FlinkApi.runBody(jobId, injectedFailureYaml(name, marker())),
            Map.of("execution.checkpointing.interval", "1 s", "restart-strategy.type", "none"));
    report(
        "failure: request "
            + FlinkApi.JSON
                .writeValueAsString(body)
                .replaceAll(
                    "\"programArgsList\":\\[\".*?\"\\]", "\"programArgsList\":[\"<yaml>\"]"));
    long start = System.nanoTime();
    FlinkApi.Response run = api.run(jarId, body);
    assertEquals(200, run.status(), run.body());

    List<String> states = watchStates(jobId, PATIENCE);
    report("failure: states " + states + " in " + millisSince(start) + " ms");
    assertEquals("FAILED", states.get(states.size() - 1), states.toString());

    FlinkApi.Response checkpointConfig = api.get("/jobs/" + jobId + "/checkpoints/config");
    assertEquals(1000, checkpointConfig.json().path("interval").asLong(), checkpointConfig.body());
    FlinkApi.Response checkpoints = api.get("/jobs/" + jobId + "/checkpoints");
    assertTrue(
        checkpoints.json().path("counts").path("completed").asInt() >= 1, checkpoints.body());

    FlinkApi.Response exceptions = api.get("/jobs/" + jobId + "/exceptions");
    assertEquals(200, exceptions.status(), exceptions.body());
    JsonNode json = exceptions.json();
    report("failure: /jobs/{id}/exceptions " + abbreviate(json));
    assertTrue(
        json.path("root-exception").asText().contains("Artificial Exception."), exceptions.body());
    // the job's failure is Flink's "Recovery is suppressed by NoRestartBackoffTimeStrategy" with
    // the
    // task's exception as its cause; the task's own exception is among the concurrent ones
    JsonNode entry = json.path("exceptionHistory").path("entries").get(0);
    assertEquals(
        "org.apache.flink.runtime.JobException",
        entry.path("exceptionName").asText(),
        exceptions.body());
    assertTrue(
        entry
            .path("stacktrace")
            .asText()
            .contains("Caused by: java.lang.RuntimeException: Artificial Exception."),
        exceptions.body());
    assertEquals(
        "java.lang.RuntimeException",
        entry.path("concurrentExceptions").get(0).path("exceptionName").asText(),
        exceptions.body());
  }

  @Test
  void withCheckpointingAndFlinksDefaultRestartStrategyTheInjectedFailureIsOnlyARestart()
      throws Exception {
    String name = "launcher-restart-" + marker();
    String jobId = FlinkApi.newJobId();
    ObjectNode body =
        FlinkApi.withFlinkConfiguration(
            FlinkApi.runBody(jobId, injectedFailureYaml(name, marker())),
            Map.of("execution.checkpointing.interval", "1 s"));
    long start = System.nanoTime();
    FlinkApi.Response run = api.run(jarId, body);
    assertEquals(200, run.status(), run.body());

    List<String> states = watchStates(jobId, PATIENCE);
    report("default restart strategy: states " + states + " in " + millisSince(start) + " ms");
    // the failure is only a restart: the job ends FINISHED and is never FAILING/FAILED on the way.
    // Which
    // intermediate states a poller sees (RESTARTING or not) depends on its timing, so only the
    // invariants are asserted
    assertEquals("FINISHED", states.get(states.size() - 1), states.toString());
    assertTrue(
        Set.of("INITIALIZING", "CREATED", "RUNNING", "RESTARTING", "FINISHED").containsAll(states),
        states.toString());
    JsonNode exceptions = api.get("/jobs/" + jobId + "/exceptions").json();
    report("default restart strategy: /jobs/{id}/exceptions " + abbreviate(exceptions));
    JsonNode entry = exceptions.path("exceptionHistory").path("entries").get(0);
    assertEquals(
        "java.lang.RuntimeException", entry.path("exceptionName").asText(), exceptions.toString());
    assertTrue(
        entry
            .path("stacktrace")
            .asText()
            .startsWith("java.lang.RuntimeException: Artificial Exception."),
        exceptions.toString());
  }

  @Test
  void stopWithSavepointThenRunFromItRestoresThePipeline() throws Exception {
    String marker = marker();
    String name = "launcher-savepoint-" + marker;
    String firstJobId = FlinkApi.newJobId();
    long start = System.nanoTime();
    FlinkApi.Response run =
        api.run(jarId, FlinkApi.runBody(firstJobId, injectedFailureYaml(name, marker)));
    assertEquals(200, run.status(), run.body());
    api.awaitAllTasksRunning(firstJobId, PATIENCE);
    String savepoint = api.stopWithSavepoint(firstJobId, PATIENCE);
    assertEquals(
        "FINISHED",
        api.awaitJobState(firstJobId, Set.of("FINISHED"), PATIENCE).path("state").asText());
    report(
        "savepoint: stop-with-savepoint done "
            + millisSince(start)
            + " ms after the run request: "
            + savepoint);

    // the same pipeline without the failure injection, restored from the savepoint
    String yaml =
        String.join(
            "\n",
            "source:",
            "  type: values",
            "sink:",
            "  type: values",
            routes(marker),
            "pipeline:",
            "  name: " + name,
            "");
    String secondJobId = FlinkApi.newJobId();
    ObjectNode body = FlinkApi.runBody(secondJobId, yaml);
    body.put("savepointPath", savepoint);
    body.put("allowNonRestoredState", false);
    report(
        "savepoint: restore request "
            + FlinkApi.JSON
                .writeValueAsString(body)
                .replaceAll(
                    "\"programArgsList\":\\[\".*?\"\\]", "\"programArgsList\":[\"<yaml>\"]"));
    start = System.nanoTime();
    FlinkApi.Response restore = api.run(jarId, body);
    assertEquals(200, restore.status(), restore.body());
    assertEquals(secondJobId, restore.json().path("jobid").asText());
    List<String> states = watchStates(secondJobId, PATIENCE);
    report("savepoint: restored job states " + states + " in " + millisSince(start) + " ms");
    assertEquals("FINISHED", states.get(states.size() - 1), states.toString());

    JsonNode restored =
        api.get("/jobs/" + secondJobId + "/checkpoints").json().path("latest").path("restored");
    report("savepoint: latest.restored " + restored);
    assertEquals(savepoint, restored.path("external_path").asText(), restored.toString());
    assertTrue(restored.path("is_savepoint").asBoolean(), restored.toString());
  }

  /**
   * The job's states (deduplicated, in order) from the first answer of GET /jobs/{id} to a terminal
   * state.
   */
  private List<String> watchStates(String jobId, Duration timeout) throws Exception {
    List<String> states = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      FlinkApi.Response r = api.get("/jobs/" + jobId);
      if (r.status() == 200) {
        String state = r.json().path("state").asText();
        if (states.isEmpty() || !states.get(states.size() - 1).equals(state)) {
          states.add(state);
        }
        if (Set.of("FINISHED", "FAILED", "CANCELED").contains(state)) {
          return states;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("job " + jobId + " did not end in " + timeout + ": " + states);
  }

  /** The exceptions answer with stack traces cut to their first lines, for the report. */
  private static String abbreviate(JsonNode exceptions) {
    ObjectNode copy = exceptions.deepCopy();
    copy.put("root-exception", firstLines(copy.path("root-exception").asText()));
    for (JsonNode e : copy.path("exceptionHistory").path("entries")) {
      ((ObjectNode) e).put("stacktrace", firstLines(e.path("stacktrace").asText()));
    }
    for (JsonNode e : copy.path("all-exceptions")) {
      ((ObjectNode) e).put("exception", firstLines(e.path("exception").asText()));
    }
    return copy.toString();
  }

  private static String firstLines(String trace) {
    String[] lines = trace.split("\n");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(2, lines.length); i++) {
      sb.append(lines[i]).append("\n");
    }
    for (String line : lines) {
      if (line.startsWith("Caused by:")) {
        sb.append(line).append("\n");
      }
    }
    return sb + "...";
  }
}
