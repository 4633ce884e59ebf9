package io.cdcconsole.cluster;

import static io.cdcconsole.test.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.sandbox.junit.FlinkCdcVersion;
import io.cdcconsole.sandbox.junit.FlinkSandboxExtension;
import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.Http;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A cluster whose Flink and Flink CDC do not fit — Flink 1.20 with Flink CDC 3.6.0's Flink 2 build
 * on its class path (from {@code ../shared/flink-cdc}, skipped with the reason where absent): a
 * warning on the cluster, and a pipeline start refused before anything reaches Flink.
 */
@ConsoleTest.Env({
  "CDC_CONSOLE_CLUSTER_HEALTH_INTERVAL=500ms",
  "CDC_CONSOLE_CLUSTER_PROBE_TIMEOUT=10s"
})
class ClusterFlinkCdcMisfitTest extends ConsoleTest {
  private static FlinkSandboxExtension flink;
  private static boolean passed;

  @BeforeAll
  static void flink120WithFlinkCdcForFlink2() {
    FlinkCdcVersion version = FlinkCdcVersion.V3_6_0_FLINK2;
    Assumptions.assumeTrue(version.missing().isEmpty(), () -> version.missing().get());
    flink = version.applyTo(new FlinkSandboxExtension().name("ClusterFlinkCdcMisfitTest"));
    flink.start();
  }

  @AfterAll
  static void stopSandbox() {
    if (flink != null) {
      flink.finish(!passed);
    }
  }

  @Test
  void aFlinkCdcBuiltForAnotherFlinkIsAWarningAndPipelinesAreRefusedBeforeSubmitting()
      throws Exception {
    Http.Response created =
        http.post(
            "/api/v1/clusters",
            admin,
            new JsonObject()
                .put("name", "misfit")
                .put("restUrl", flink.restUrl())
                .put("cdc", new JsonObject().put("mode", "provided")));
    assertEquals(201, created.status(), created.body());
    long id = created.json().getLong("id");
    JsonObject cdc =
        eventually(
            () -> http.get("/api/v1/clusters/" + id, admin).json().getJsonObject("cdc"),
            c -> c.getString("detectedVersion") != null);
    assertEquals("3.6.0", cdc.getString("detectedVersion"));
    String why = cdc.getJsonArray("warnings").getString(0);
    assertTrue(
        why.startsWith("the cluster runs Flink 1.20.") && why.endsWith("is built for Flink 2.x"),
        why);

    String operator = console.userToken("misfit-runner", "operator");
    Http.Response pipeline =
        http.post(
            "/api/v1/pipelines",
            operator,
            new JsonObject()
                .put("name", "values")
                .put("clusterId", id)
                .put("yaml", "source:\n  type: values\nsink:\n  type: values\n"));
    assertEquals(201, pipeline.status(), pipeline.body());
    Http.Response start = http.post("/api/v1/pipelines/values/runs", operator, new JsonObject());
    assertEquals(400, start.status(), start.body());
    assertTrue(
        start.body().contains("cannot run on cluster 'misfit'")
            && start.body().contains("built for Flink 2.x"),
        start.body());
    // nothing reached Flink: no jar uploaded, no job
    HttpClient client = HttpClient.newHttpClient();
    String jars =
        client
            .send(
                HttpRequest.newBuilder(URI.create(flink.restUrl() + "/jars")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    assertEquals(0, new JsonObject(jars).getJsonArray("files").size(), jars);
    String jobs =
        client
            .send(
                HttpRequest.newBuilder(URI.create(flink.restUrl() + "/jobs/overview")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    assertEquals(0, new JsonObject(jobs).getJsonArray("jobs").size(), jobs);
    passed = true;
  }
}
