package io.cdcconsole.alert;

import static io.cdcconsole.test.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.run.SandboxRunTest;
import io.cdcconsole.sandbox.junit.FlinkSandboxExtension;
import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A run-state rule on a real run on the Flink sandbox: a job that fails (the values source's
 * injected failure, as in RunFailureTest) fires the rule, and the pipeline, fixed, running to the
 * end resolves it.
 */
@ConsoleTest.Env({
  "CDC_CONSOLE_RUN_POLL_INTERVAL=1s",
  "CDC_CONSOLE_RUN_FAST_POLL_INTERVAL=300ms",
  "CDC_CONSOLE_ALERT_RETRY_BACKOFF=200ms"
})
class AlertRunStateTest extends SandboxRunTest {
  @RegisterExtension static final FlinkSandboxExtension FLINK = new FlinkSandboxExtension();
  @RegisterExtension static final Receiver receiver = new Receiver();

  @Override
  protected FlinkSandboxExtension flink() {
    return FLINK;
  }

  private static List<JsonObject> sent(String event) {
    return receiver.to("/runs").stream()
        .map(r -> new JsonObject(r.body()))
        .filter(m -> event.equals(m.getString("event")))
        .toList();
  }

  @Test
  void aFailedRunFiresTheRuleAndRunningAgainResolvesIt() throws Exception {
    assertEquals(
        201,
        http.post(
                "/api/v1/alert-channels",
                admin,
                new JsonObject()
                    .put("name", "runs-hook")
                    .put("type", "webhook")
                    .put("config", new JsonObject().put("url", receiver.url("/runs"))))
            .status());
    pipeline("failing-alert", keepsRunning("failing_alert"));
    Http.Response rule =
        http.post(
            "/api/v1/alert-rules",
            operator,
            new JsonObject()
                .put("name", "run-failed")
                .put("pipeline", "failing-alert")
                .put("kind", "RUN_STATE")
                .put("values", new JsonArray().add("FAILED").add("LOST").add("FAILED_TO_SUBMIT"))
                .put("severity", "CRITICAL")
                .put("channels", new JsonArray().add("runs-hook")));
    assertEquals(201, rule.status(), rule.body());

    Http.Response started =
        http.post(
            "/api/v1/pipelines/failing-alert/runs",
            operator,
            new JsonObject()
                .put(
                    "flinkConfiguration",
                    new JsonObject()
                        .put("execution.checkpointing.interval", "500ms")
                        .put("restart-strategy.type", "none")));
    assertEquals(202, started.status(), started.body());
    JsonObject failed = waitForState(started.header("Location"), "FAILED");
    JsonObject fired = eventually(() -> sent("FIRING"), list -> !list.isEmpty()).get(0);
    assertEquals("run-failed", fired.getString("rule"));
    assertEquals("failing-alert", fired.getString("pipeline"));
    assertEquals(failed.getLong("id"), fired.getLong("runId"));
    assertTrue(fired.getString("summary").contains("FAILED"), fired.encode());

    // the pipeline fixed (no injected failure) and run again: FINISHED (or RUNNING on the way)
    // clears the alert
    Http.Response fixed =
        http.put(
            "/api/v1/pipelines/failing-alert",
            operator,
            new JsonObject().put("yaml", bounded("fixed_alert")),
            "\"1\"");
    assertEquals(200, fixed.status(), fixed.body());
    Http.Response again =
        http.post(
            "/api/v1/pipelines/failing-alert/runs",
            operator,
            new JsonObject().put("fromSavepoint", "none"));
    assertEquals(202, again.status(), again.body());
    waitForState(again.header("Location"), "FINISHED");
    JsonObject resolved = eventually(() -> sent("RESOLVED"), list -> !list.isEmpty()).get(0);
    assertEquals("run-failed", resolved.getString("rule"));
    assertEquals(1, sent("FIRING").size(), "fired once");
  }
}
