package io.cdcconsole.cluster;

import static io.cdcconsole.test.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.sandbox.junit.FlinkCdcVersion;
import io.cdcconsole.sandbox.junit.FlinkSandboxExtension;
import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cluster's Flink CDC version detected from a real JobManager's class path: a sandbox with
 * Flink CDC 3.5.0 (from {@code ../shared/flink-cdc}, skipped with the reason where that folder is
 * absent). A stated version that disagrees is a warning on the cluster; pipelines are validated
 * against the detected version.
 */
@ConsoleTest.Env({
  "CDC_CONSOLE_CLUSTER_HEALTH_INTERVAL=500ms",
  "CDC_CONSOLE_CLUSTER_PROBE_TIMEOUT=10s"
})
class ClusterFlinkCdcVersionTest extends ConsoleTest {
  private static FlinkSandboxExtension flink;
  private static final java.util.concurrent.atomic.AtomicInteger PASSED =
      new java.util.concurrent.atomic.AtomicInteger();

  @BeforeAll
  static void sandboxWithFlinkCdc35() {
    Assumptions.assumeTrue(
        FlinkCdcVersion.V3_5_0.missing().isEmpty(), () -> FlinkCdcVersion.V3_5_0.missing().get());
    flink =
        FlinkCdcVersion.V3_5_0.applyTo(
            new FlinkSandboxExtension().name("ClusterFlinkCdcVersionTest"));
    flink.start();
  }

  @AfterAll
  static void stopSandbox() {
    if (flink != null) {
      flink.finish(PASSED.get() < 2);
    }
  }

  private static JsonObject cluster(String name, JsonObject cdc) {
    return new JsonObject().put("name", name).put("restUrl", flink.restUrl()).put("cdc", cdc);
  }

  private JsonObject eventuallyDetected(long id) throws Exception {
    return eventually(
        () -> http.get("/api/v1/clusters/" + id, admin).json(),
        c -> "3.5.0".equals(c.getJsonObject("cdc").getString("detectedVersion")));
  }

  @Test
  void aStatedVersionThatDisagreesIsAWarningAndPipelinesAreCheckedAgainstTheDetectedOne()
      throws Exception {
    Http.Response created =
        http.post(
            "/api/v1/clusters",
            admin,
            cluster(
                "stated-3-2", new JsonObject().put("mode", "provided").put("version", "3.2.0")));
    assertEquals(201, created.status(), created.body());
    JsonObject cdc = eventuallyDetected(created.json().getLong("id")).getJsonObject("cdc");
    assertEquals("3.2.0", cdc.getString("version"));
    assertEquals("3.5.0", cdc.getString("effectiveVersion"));
    assertEquals(
        new JsonArray()
            .add(
                "cdc.version says 3.2.0 but the cluster's class path holds Flink CDC 3.5.0;"
                    + " pipelines are checked against 3.5.0"),
        cdc.getJsonArray("warnings"));
    assertEquals(
        "3.5.0",
        http.get("/api/v1/clusters/" + created.json().getLong("id"), admin)
            .json()
            .getJsonObject("health")
            .getString("flinkCdcVersion"));

    // postgres came with 3.5.0: fine on this cluster although its stated 3.2.0 lacks it; an option
    // of 3.6.0 is not
    String postgres =
        """
        source:
          type: postgres
          hostname: 127.0.0.1
          username: cdc
          password: pw
          tables: app.public.orders
          slot.name: flink
          %s
        sink:
          type: values
        """;
    JsonObject ok =
        http.post(
                "/api/v1/pipelines/validate",
                admin,
                new JsonObject().put("yaml", postgres.formatted("")).put("cluster", "stated-3-2"))
            .json();
    assertTrue(ok.getBoolean("valid"), ok.encode());
    JsonObject tooNew =
        http.post(
                "/api/v1/pipelines/validate",
                admin,
                new JsonObject()
                    .put("yaml", postgres.formatted("schema-change.enabled: true"))
                    .put("cluster", "stated-3-2"))
            .json();
    assertFalse(tooNew.getBoolean("valid"), tooNew.encode());
    JsonObject error = tooNew.getJsonArray("errors").getJsonObject(0);
    assertEquals("source.schema-change.enabled", error.getString("path"), tooNew.encode());
    assertEquals(
        "the postgres source option 'schema-change.enabled' needs Flink CDC 3.6.0 or later; the cluster"
            + " runs 3.5.0",
        error.getString("message"));
    // saving fails the same way
    Http.Response save =
        http.post(
            "/api/v1/pipelines",
            admin,
            new JsonObject()
                .put("name", "too-new")
                .put("clusterId", created.json().getLong("id"))
                .put("yaml", postgres.formatted("schema-change.enabled: true")));
    assertEquals(400, save.status(), save.body());
    assertTrue(save.body().contains("needs Flink CDC 3.6.0 or later"), save.body());
    PASSED.incrementAndGet();
  }

  @Test
  void theVersionIsOptionalForAProvidedClusterAndRequiredForAShippedOne() throws Exception {
    Http.Response created =
        http.post(
            "/api/v1/clusters",
            admin,
            cluster("detected-only", new JsonObject().put("mode", "provided")));
    assertEquals(201, created.status(), created.body());
    JsonObject cdc = eventuallyDetected(created.json().getLong("id")).getJsonObject("cdc");
    assertEquals(null, cdc.getString("version"));
    assertEquals("3.5.0", cdc.getString("effectiveVersion"));
    assertEquals(new JsonArray(), cdc.getJsonArray("warnings"));

    Http.Response shipped =
        http.post(
            "/api/v1/clusters",
            admin,
            cluster("shipped-without-version", new JsonObject().put("mode", "shipped")));
    assertEquals(400, shipped.status(), shipped.body());
    assertTrue(shipped.body().contains("cdc.version"), shipped.body());
    PASSED.incrementAndGet();
  }
}
