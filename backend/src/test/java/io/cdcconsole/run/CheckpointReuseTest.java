package io.cdcconsole.run;

import static io.cdcconsole.test.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.sandbox.junit.FlinkSandboxExtension;
import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.HoldingProxy;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * With the health sampler on, the run watcher's checkpoint turns take the sampler's answers instead
 * of asking Flink again: every {@code /checkpoints} request the cluster gets is a sample's (each
 * sample asks for its source metrics and the checkpoints together), none is the watcher's own.
 */
@ConsoleTest.Env({
  "CDC_CONSOLE_RUN_POLL_INTERVAL=1s",
  "CDC_CONSOLE_RUN_METRICS_INTERVAL=1s",
  "CDC_CONSOLE_RUN_CHECKPOINT_INTERVAL=4s"
})
class CheckpointReuseTest extends SandboxRunTest {
  @RegisterExtension static final FlinkSandboxExtension FLINK = new FlinkSandboxExtension();

  /** Notes every request the console sends the cluster. */
  private static HoldingProxy proxy;

  private static long clusterId;

  @Override
  protected FlinkSandboxExtension flink() {
    return FLINK;
  }

  @BeforeAll
  static void startProxy() throws Exception {
    proxy = new HoldingProxy(FLINK.restUrl());
    clusterId = registeredCluster("sampled", proxy.url());
  }

  @AfterAll
  static void closeProxy() throws Exception {
    proxy.close();
  }

  /** The samples of the job so far: their source metrics request names the metrics it reads. */
  private static long samples(String jobId) {
    return proxy.sent().stream()
        .filter(
            s ->
                s.path().startsWith("/jobs/" + jobId + "/vertices/")
                    && s.path().endsWith("/subtasks/metrics")
                    && s.query() != null
                    && s.query().contains("get="))
        .count();
  }

  private static long checkpointReads(String jobId) {
    return proxy.count("GET /jobs/" + jobId + "/checkpoints");
  }

  @Test
  void theWatchersCheckpointTurnsTakeTheSamplersAnswers() throws Exception {
    assertEquals(
        201,
        http.post(
                "/api/v1/pipelines",
                operator,
                new JsonObject()
                    .put("name", "sampled-one")
                    .put("clusterId", clusterId)
                    .put("yaml", keepsRunning("sampled-one")))
            .status());
    String location =
        http.post("/api/v1/pipelines/sampled-one/runs", operator, new JsonObject())
            .header("Location");
    String jobId = waitForState(location, "RUNNING").getString("jobId");
    // the sampler under way (its first samples wait for the job's tasks and metric names)
    eventually(() -> samples(jobId), n -> n >= 2);

    long samplesBefore = samples(jobId);
    long readsBefore = checkpointReads(jobId);
    // three of the watcher's 4 s checkpoint turns at least
    long until = samplesBefore + 12;
    eventually(() -> samples(jobId), n -> n >= until);

    long sampled = samples(jobId) - samplesBefore;
    long read = checkpointReads(jobId) - readsBefore;
    // one request of a sample may fall on either side of the window's edges
    assertTrue(
        read <= sampled + 1,
        read + " checkpoint reads for " + sampled + " samples: the watcher asked Flink itself");
    assertEquals("RUNNING", http.get(location, operator).json().getString("state"));
  }
}
