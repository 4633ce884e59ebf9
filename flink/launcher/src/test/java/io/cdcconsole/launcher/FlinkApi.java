package io.cdcconsole.launcher;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcconsole.sandbox.FlinkRest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sandbox's Flink REST client ({@link FlinkRest}: GET, POST, PATCH, jar upload, waiting for a
 * job) with the launcher's own helpers: the launcher jar, the run request the console sends, stop
 * with a savepoint and the answers to search for secrets.
 */
final class FlinkApi extends FlinkRest {

  static final String ENTRY_CLASS = "io.cdcconsole.launcher.PipelineLauncher";

  FlinkApi(String baseUrl) {
    super(baseUrl);
  }

  /** target/cdc-console-launcher.jar, built by `package` before failsafe runs. */
  static Path launcherJar() {
    Path jar =
        Path.of(System.getProperty("cdc.launcher.jar", "target/cdc-console-launcher.jar"))
            .toAbsolutePath()
            .normalize();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar + " does not exist: run the integration tests with `verify`");
    }
    return jar;
  }

  /** The body of POST /jars/{id}/run as the console sends it. */
  static ObjectNode runBody(String jobId, String arg0) {
    ObjectNode body = JSON.createObjectNode();
    body.put("entryClass", ENTRY_CLASS);
    body.putArray("programArgsList").add(arg0);
    body.put("jobId", jobId);
    return body;
  }

  static ObjectNode withFlinkConfiguration(ObjectNode body, Map<String, String> config) {
    ObjectNode conf = body.putObject("flinkConfiguration");
    config.forEach(conf::put);
    return body;
  }

  /** POST /jobs/{id}/stop (no drain, cluster's savepoint dir); returns the savepoint location. */
  String stopWithSavepoint(String jobId, Duration timeout) throws Exception {
    Response stop =
        postJson("/jobs/" + jobId + "/stop", JSON.createObjectNode().put("drain", false));
    if (stop.status() != 202) {
      throw new AssertionError("stop failed: " + stop);
    }
    String triggerId = stop.json().path("request-id").asText();
    return awaitSavepoint(jobId, triggerId, timeout).path("operation").path("location").asText();
  }

  /** Bodies of REST answers about a job and the cluster, for "never shows the secret" checks. */
  Map<String, Response> jobAnswers(String jobId) throws IOException, InterruptedException {
    Map<String, Response> answers = new LinkedHashMap<>();
    for (String path :
        List.of(
            "/jobs/" + jobId,
            "/jobs/" + jobId + "/config",
            "/jobs/" + jobId + "/plan",
            "/jobs/" + jobId + "/jobmanager/config",
            "/jobs/" + jobId + "/exceptions",
            "/jobs/" + jobId + "/checkpoints/config",
            "/jobs/overview",
            "/jars",
            "/jobmanager/config",
            "/jobmanager/environment",
            "/config")) {
      answers.put(path, get(path));
    }
    return answers;
  }
}
