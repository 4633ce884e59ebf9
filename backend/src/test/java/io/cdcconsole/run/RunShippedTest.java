package io.cdcconsole.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.sandbox.junit.FlinkSandboxExtension;
import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.Http;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Clusters whose Flink CDC the console ships: the launcher goes up with the Flink CDC jars the
 * pipeline needs under {@code lib/}; a bundle larger than the cluster's upload limit is refused
 * before any upload, saying why. (The sandbox has Flink CDC on its class path too, parent-first;
 * here it shows the bundle is built, accepted and run.)
 */
@ConsoleTest.Env({
  "CDC_CONSOLE_RUN_POLL_INTERVAL=1s",
  "CDC_CONSOLE_RUN_FAST_POLL_INTERVAL=300ms",
  "CDC_CONSOLE_FLINK_CDC_DIR=target/test-work/flink-cdc-shipped"
})
class RunShippedTest extends SandboxRunTest {
  @RegisterExtension static final FlinkSandboxExtension FLINK = new FlinkSandboxExtension();

  @RegisterExtension
  static final FlinkSandboxExtension SMALL_UPLOADS =
      new FlinkSandboxExtension().config("rest.server.max-content-length", "1048576");

  @Override
  protected FlinkSandboxExtension flink() {
    return FLINK;
  }

  /**
   * The operator's directory of Flink CDC jars, filled with the real 3.2.0 jars the sandbox runs
   * with.
   */
  @BeforeAll
  static void flinkCdcDirectory() throws Exception {
    Path dir = Path.of("target/test-work/flink-cdc-shipped/3.2.0");
    Files.createDirectories(dir);
    try (Stream<Path> libs = Files.list(Path.of("../flink/sandbox/target/lib"))) {
      for (Path jar :
          libs.filter(p -> p.getFileName().toString().startsWith("flink-cdc-")).toList()) {
        Files.copy(
            jar, dir.resolve(jar.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  @Test
  void theLauncherTravelsWithTheFlinkCdcJarsThePipelineNeeds() throws Exception {
    long shipped =
        http.post(
                "/api/v1/clusters",
                admin,
                new JsonObject()
                    .put("name", "shipped")
                    .put("restUrl", FLINK.restUrl())
                    .put("cdc", new JsonObject().put("mode", "shipped").put("version", "3.2.0")))
            .json()
            .getLong("id");
    Http.Response created =
        http.post(
            "/api/v1/pipelines",
            operator,
            new JsonObject()
                .put("name", "shipped-run")
                .put("clusterId", shipped)
                .put("yaml", bounded("shipped_run")));
    assertEquals(201, created.status(), created.body());
    String location =
        http.post("/api/v1/pipelines/shipped-run/runs", operator, new JsonObject())
            .header("Location");
    waitForState(location, "FINISHED");

    Path bundle;
    try (Stream<Path> bundles =
        Files.list(Path.of(console.config().home().toString(), "bundles"))) {
      bundle = bundles.filter(p -> p.toFile().length() > 1_000_000).findFirst().orElseThrow();
    }
    try (JarFile jar = new JarFile(bundle.toFile())) {
      List<String> libs =
          jar.stream().map(e -> e.getName()).filter(n -> n.startsWith("lib/")).sorted().toList();
      assertTrue(
          libs.contains("lib/flink-cdc-pipeline-connector-values-3.1.0.jar"), libs.toString());
      assertTrue(libs.contains("lib/flink-cdc-composer-3.2.0.jar"), libs.toString());
      assertTrue(jar.getEntry("io/cdcconsole/launcher/PipelineLauncher.class") != null);
    }
    assertTrue(
        flink("/jars").getJsonArray("files").stream()
            .anyMatch(
                f -> bundle.getFileName().toString().equals(((JsonObject) f).getString("name"))),
        "uploaded as built");
  }

  @Test
  void aBundleLargerThanTheClustersUploadLimitIsRefusedBeforeUpload() throws Exception {
    long small =
        http.post(
                "/api/v1/clusters",
                admin,
                new JsonObject()
                    .put("name", "small-uploads")
                    .put("restUrl", SMALL_UPLOADS.restUrl())
                    .put("cdc", new JsonObject().put("mode", "shipped").put("version", "3.2.0")))
            .json()
            .getLong("id");
    http.post(
        "/api/v1/pipelines",
        operator,
        new JsonObject()
            .put("name", "too-big")
            .put("clusterId", small)
            .put("yaml", bounded("too_big")));
    String location =
        http.post("/api/v1/pipelines/too-big/runs", operator, new JsonObject()).header("Location");
    JsonObject refused = waitForState(location, "FAILED_TO_SUBMIT");
    String cause = refused.getString("lastError");
    assertTrue(cause.contains("rest.server.max-content-length") && cause.contains("MiB"), cause);

    // a version the console has no jars for is a clear refusal too
    long unknown =
        http.post(
                "/api/v1/clusters",
                admin,
                new JsonObject()
                    .put("name", "no-jars")
                    .put("restUrl", FLINK.restUrl())
                    .put("cdc", new JsonObject().put("mode", "shipped").put("version", "9.9.9")))
            .json()
            .getLong("id");
    http.post(
        "/api/v1/pipelines",
        operator,
        new JsonObject()
            .put("name", "no-jars")
            .put("clusterId", unknown)
            .put("yaml", bounded("no_jars")));
    String other =
        http.post("/api/v1/pipelines/no-jars/runs", operator, new JsonObject()).header("Location");
    assertTrue(waitForState(other, "FAILED_TO_SUBMIT").getString("lastError").contains("9.9.9"));
  }
}
