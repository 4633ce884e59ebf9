package io.cdcconsole.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.sandbox.junit.FlinkSandboxExtension;
import io.cdcconsole.test.Http;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A job that fails on Flink ends FAILED with its root cause (the values source fails once per
 * sandbox JVM).
 */
class RunFailureTest extends SandboxRunTest {
  @RegisterExtension static final FlinkSandboxExtension FLINK = new FlinkSandboxExtension();

  @Override
  protected FlinkSandboxExtension flink() {
    return FLINK;
  }

  @Test
  void anInjectedFailureWithCheckpointingOnEndsFailedWithItsRootCause() throws Exception {
    pipeline("failing", keepsRunning("failing"));
    Http.Response started =
        http.post(
            "/api/v1/pipelines/failing/runs",
            operator,
            new JsonObject()
                .put(
                    "flinkConfiguration",
                    new JsonObject()
                        .put("execution.checkpointing.interval", "500ms")
                        .put("restart-strategy.type", "none")));
    assertEquals(202, started.status(), started.body());
    JsonObject failed = waitForState(started.header("Location"), "FAILED");
    String cause = failed.getString("lastError");
    assertTrue(
        cause != null && cause.startsWith("java.lang.RuntimeException: Artificial Exception."),
        "the root cause comes first: " + cause);
    assertTrue(
        failed.getJsonArray("transitions").stream()
            .anyMatch(
                t ->
                    "FAILED".equals(((JsonObject) t).getString("to"))
                        && "flink".equals(((JsonObject) t).getString("source"))));
  }
}
