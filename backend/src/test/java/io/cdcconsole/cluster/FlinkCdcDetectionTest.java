package io.cdcconsole.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Reading the Flink CDC version from the class path of {@code GET /jobmanager/environment}. */
class FlinkCdcDetectionTest {

  private static JsonObject environment(String... classpath) {
    return new JsonObject()
        .put("jvm", new JsonObject().put("version", "17"))
        .put("classpath", new JsonArray(java.util.List.of(classpath)));
  }

  @Test
  void theCoreJarsNameTheVersionAndTheCompatJarTheFlinkItIsBuiltFor() {
    assertEquals(
        Optional.of(new FlinkCdcDetection("3.2.0", 1)),
        FlinkCdcDetection.fromEnvironment(
            environment(
                "/opt/flink/lib/flink-dist-1.20.1.jar",
                "/opt/flink/lib/flink-cdc-dist-3.2.0.jar")));
    assertEquals(
        Optional.of(new FlinkCdcDetection("3.6.0", 2)),
        FlinkCdcDetection.fromEnvironment(
            environment(
                "/opt/flink/lib/flink-cdc-common-3.6.0.jar",
                "/opt/flink/lib/flink-cdc-flink2-compat-3.6.0.jar")));
    assertEquals(
        Optional.of(new FlinkCdcDetection("3.6.0", 1)),
        FlinkCdcDetection.fromEnvironment(
            environment(
                "lib/flink-cdc-flink1-compat-3.6.0.jar", "lib/flink-cdc-runtime-3.6.0.jar")));
    // 3.6 without a compat jar: built for which Flink is unknown (and it cannot run anywhere: the
    // launcher says so)
    assertEquals(
        Optional.of(new FlinkCdcDetection("3.6.0", null)),
        FlinkCdcDetection.fromEnvironment(environment("lib/flink-cdc-runtime-3.6.0.jar")));
    // one class path string with ':' separators, as some answers give it
    assertEquals(
        Optional.of(new FlinkCdcDetection("3.1.1", 1)),
        FlinkCdcDetection.fromEnvironment(
            environment("/a/flink-runtime-1.19.1.jar:/b/flink-cdc-cli-3.1.1.jar")));
  }

  @Test
  void noFlinkCdcOrNoClassPathIsNothingDetected() {
    assertEquals(
        Optional.empty(),
        FlinkCdcDetection.fromEnvironment(
            environment(
                "/opt/flink/lib/flink-dist-1.20.1.jar",
                "/opt/flink/lib/flink-cdc-pipeline-connector-mysql-3.2.0.jar",
                "/x/my-flink-cdc-common-3.2.0.jar.bak")));
    assertEquals(Optional.empty(), FlinkCdcDetection.fromEnvironment(new JsonObject()));
    assertEquals(
        Optional.empty(),
        FlinkCdcDetection.fromEnvironment(new JsonObject().put("classpath", "x")));
    assertEquals(Optional.empty(), FlinkCdcDetection.fromEnvironment(null));
  }

  @Test
  void aFlinkCdcBuiltForAnotherFlinkMajorDoesNotFit() {
    assertTrue(new FlinkCdcDetection("3.5.0", 1).misfit("1.20.1").isEmpty());
    assertTrue(new FlinkCdcDetection("3.6.0", 2).misfit("2.2.0").isEmpty());
    assertEquals(
        Optional.of(
            "the cluster runs Flink 2.2.0 but its Flink CDC 3.5.0 is built for Flink 1.x (Flink CDC"
                + " 3.6+ has a build for Flink 2: flink-cdc-flink2-compat)"),
        new FlinkCdcDetection("3.5.0", 1).misfit("2.2.0"));
    assertEquals(
        Optional.of("the cluster runs Flink 1.20.1 but its Flink CDC 3.6.0 is built for Flink 2.x"),
        new FlinkCdcDetection("3.6.0", 2).misfit("1.20.1"));
    assertTrue(new FlinkCdcDetection("3.6.0", null).misfit("2.2.0").isEmpty());
    assertTrue(new FlinkCdcDetection("3.5.0", 1).misfit(null).isEmpty());
  }
}
