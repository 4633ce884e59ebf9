package io.cdcconsole.run;

import static io.cdcconsole.test.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.cdcconsole.sandbox.junit.FlinkSandboxExtension;
import io.cdcconsole.test.CurrentRuns;
import io.cdcconsole.test.Http;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code pipeline.current_run_id} (V18) through a pipeline's life on the real sandbox: it names the
 * newest run after a start, a stop, a second start, a finish and a deletion, and the list's state
 * filters and sort keep answering what they answered when they looked the newest run up per
 * pipeline (checked at each step, and after the test by {@link SandboxRunTest}). Failures and
 * adopted runs are covered by the same check after RunFailureTest and RunLifecycleTest.
 */
class CurrentRunTest extends SandboxRunTest {
  @RegisterExtension static final FlinkSandboxExtension FLINK = new FlinkSandboxExtension();

  @Override
  protected FlinkSandboxExtension flink() {
    return FLINK;
  }

  @Test
  void thePipelineNamesItsNewestRunThroughStartStopRestartFinishAndDelete() throws Exception {
    pipeline("never-ran", bounded("never_ran"));
    pipeline("twice", keepsRunning("twice"));
    pipeline("gone", bounded("gone"));
    CurrentRuns.check(console, operator);

    String first = start("twice");
    waitForState(first, "RUNNING");
    CurrentRuns.check(console, operator);
    assertEquals(runId(first), currentRunId("twice"));

    Http.Response stop =
        http.post(
            "/api/v1/pipelines/twice/stop", operator, new JsonObject().put("savepoint", false));
    assertEquals(202, stop.status(), stop.body());
    eventually(
        () -> http.get(first, operator).json(),
        run -> RunState.valueOf(run.getString("state")).terminal());
    CurrentRuns.check(console, operator);
    assertEquals(runId(first), currentRunId("twice"), "an ended run stays current");

    Http.Response again =
        http.post(
            "/api/v1/pipelines/twice/runs",
            operator,
            new JsonObject().put("fromSavepoint", "none"));
    assertEquals(202, again.status(), again.body());
    String second = again.header("Location");
    assertNotEquals(first, second);
    waitForState(second, "RUNNING");
    assertEquals(runId(second), currentRunId("twice"), "the new run is current");
    CurrentRuns.check(console, operator);

    String finished = start("gone");
    waitForState(finished, "FINISHED");
    assertEquals(runId(finished), currentRunId("gone"));
    CurrentRuns.check(console, operator);
    assertEquals(
        204,
        http.delete(
                "/api/v1/pipelines/gone", operator, http.etag("/api/v1/pipelines/gone", operator))
            .status());
    CurrentRuns.check(console, operator);

    assertEquals(
        202, http.post("/api/v1/pipelines/twice/cancel", operator, null).status(), "clean up");
    waitForState(second, "CANCELED");
  }

  private String start(String pipeline) {
    Http.Response started =
        http.post("/api/v1/pipelines/" + pipeline + "/runs", operator, new JsonObject());
    assertEquals(202, started.status(), started.body());
    return started.header("Location");
  }

  private long runId(String location) {
    return http.get(location, operator).json().getLong("id");
  }

  private long currentRunId(String pipeline) {
    return http.get("/api/v1/pipelines/" + pipeline, operator)
        .json()
        .getJsonObject("currentRun")
        .getLong("id");
  }
}
