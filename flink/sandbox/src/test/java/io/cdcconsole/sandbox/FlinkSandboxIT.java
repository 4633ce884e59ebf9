package io.cdcconsole.sandbox;

import static io.cdcconsole.sandbox.FlinkRest.PATIENCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cdcconsole.sandbox.jobs.SequenceJob;
import io.cdcconsole.sandbox.jobs.ValuesPipelineJob;
import io.cdcconsole.sandbox.junit.FlinkSandboxExtension;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The sandbox as a separate process, through its REST API. */
class FlinkSandboxIT {

  static final int SLOTS = 8;

  @RegisterExtension static FlinkSandboxExtension flink = new FlinkSandboxExtension().slots(SLOTS);

  @TempDir static Path tmp;

  static FlinkRest rest;

  /** values source to values sink, with a transform (Calcite + Janino inside flink-cdc-runtime). */
  static final String VALUES_YAML =
      String.join(
          "\n",
          "source:",
          "  type: values",
          "  name: values source",
          "  event-set.id: SINGLE_SPLIT_MULTI_TABLES",
          "sink:",
          "  type: values",
          "  name: values sink",
          "  print.enabled: true",
          "transform:",
          "  - source-table: default_namespace.default_schema.table1",
          "    projection: \"*, CONCAT(col1, '-cdc') AS col3\"",
          "    description: computed column",
          "pipeline:",
          "  name: sandbox-values-pipeline",
          "  parallelism: 1",
          "");

  @BeforeAll
  static void client() {
    rest = new FlinkRest(flink.restUrl());
  }

  @Test
  void overviewShowsFlink120WithOneTaskManagerAndAllSlots() throws Exception {
    assertTrue(flink.restUrl().startsWith("http://127.0.0.1:"), flink.restUrl());
    FlinkRest.Response r = rest.get("/overview");
    assertEquals(200, r.status(), r.body());
    JsonNode overview = r.json();
    assertTrue(overview.path("flink-version").asText().startsWith("1.20."), r.body());
    assertTrue(overview.path("taskmanagers").asInt() >= 1, r.body());
    assertTrue(overview.path("slots-total").asInt() >= SLOTS, r.body());
  }

  @Test
  void configShowsVersionWebSubmissionAndSandboxSettings() throws Exception {
    FlinkRest.Response r = rest.get("/config");
    assertEquals(200, r.status(), r.body());
    assertTrue(r.json().path("flink-version").asText().startsWith("1.20."), r.body());
    assertTrue(r.json().path("features").path("web-submit").asBoolean(), r.body());

    FlinkRest.Response jm = rest.get("/jobmanager/config");
    assertEquals(200, jm.status(), jm.body());
    Map<String, String> config = new HashMap<>();
    jm.json().forEach(e -> config.put(e.path("key").asText(), e.path("value").asText()));
    assertTrue(
        config.get("classloader.parent-first-patterns.additional").contains("org.apache.flink.cdc"),
        config.toString());
    String workDirUri = flink.workDir().toUri().toString();
    assertTrue(config.get("state.savepoints.dir").startsWith(workDirUri), config.toString());
    assertTrue(config.get("state.checkpoints.dir").startsWith(workDirUri), config.toString());
    assertEquals("true", config.get("web.submit.enable"));
    assertEquals("127.0.0.1", config.get("rest.bind-address"));
  }

  @Test
  void uploadedJarRunsToFinishedWithTheChosenJobIdAndCdcClassesParentFirst() throws Exception {
    // The jar carries its own copy of a Flink CDC class: it must not be used (parent-first).
    Path jar =
        TestJars.jar(
            tmp.resolve("sequence-job.jar"),
            List.of(SequenceJob.class),
            List.of("org/apache/flink/cdc/common/event/TableId.class"));
    String jarId = rest.uploadJarId(jar);
    assertTrue(rest.get("/jars").body().contains(jarId));

    String jobId = FlinkRest.newJobId();
    FlinkRest.Response run =
        rest.runJar(jarId, SequenceJob.class.getName(), jobId, List.of("1000"));
    assertEquals(200, run.status(), run.body());
    assertEquals(jobId, run.json().path("jobid").asText());

    JsonNode job = rest.awaitJobState(jobId, Set.of("FINISHED"), PATIENCE);
    assertEquals("FINISHED", job.path("state").asText(), job.toString());
    assertEquals("sandbox-sequence", job.path("name").asText());
  }

  @Test
  void stopWithSavepointWritesIntoTheConfiguredSavepointDirectory() throws Exception {
    Path jar = TestJars.jar(tmp.resolve("slow-job.jar"), List.of(SequenceJob.class), List.of());
    String jarId = rest.uploadJarId(jar);
    String jobId = FlinkRest.newJobId();
    FlinkRest.Response run =
        rest.runJar(
            jarId,
            SequenceJob.class.getName(),
            jobId,
            List.of(Long.toString(Long.MAX_VALUE), "20"));
    assertEquals(200, run.status(), run.body());
    rest.awaitAllTasksRunning(jobId, PATIENCE);

    // No targetDirectory: Flink uses state.savepoints.dir of the cluster.
    FlinkRest.Response stop =
        rest.postJson(
            "/jobs/" + jobId + "/stop", FlinkRest.JSON.createObjectNode().put("drain", false));
    assertEquals(202, stop.status(), stop.body());
    String triggerId = stop.json().path("request-id").asText();
    JsonNode savepoint = rest.awaitSavepoint(jobId, triggerId, PATIENCE);
    String location = savepoint.path("operation").path("location").asText();
    // Flink reports it as file:/abs/path/savepoints/savepoint-...
    assertTrue(
        Path.of(URI.create(location)).startsWith(flink.workDir().resolve("savepoints")),
        savepoint.toString());
    assertTrue(Files.isDirectory(Path.of(URI.create(location))), location);
    assertEquals(
        "FINISHED", rest.awaitJobState(jobId, Set.of("FINISHED"), PATIENCE).path("state").asText());
  }

  @Test
  void flinkCdcYamlPipelineWithTransformParsedAndComposedInTheClusterFinishes() throws Exception {
    Path jar =
        TestJars.jar(
            tmp.resolve("values-pipeline.jar"), List.of(ValuesPipelineJob.class), List.of());
    String jarId = rest.uploadJarId(jar);

    String jobId = FlinkRest.newJobId();
    FlinkRest.Response run =
        rest.runJar(jarId, ValuesPipelineJob.class.getName(), jobId, List.of(VALUES_YAML));
    assertEquals(200, run.status(), run.body());
    assertEquals(jobId, run.json().path("jobid").asText());

    JsonNode job = rest.awaitJobState(jobId, Set.of("FINISHED"), PATIENCE);
    assertEquals("FINISHED", job.path("state").asText(), job.toString());
    assertEquals("sandbox-values-pipeline", job.path("name").asText());

    // The values sink prints the events it received (print.enabled); the sandbox sends job
    // stdout to its stderr.
    String stderr = Files.readString(flink.workDir().resolve("stderr.log"), StandardCharsets.UTF_8);
    assertTrue(
        stderr.contains("CreateTableEvent"), "no CreateTableEvent printed by the values sink");
    assertTrue(stderr.contains("DataChangeEvent"), "no DataChangeEvent printed by the values sink");
    assertTrue(stderr.contains("1-cdc"), "the transform's computed column is missing");
  }
}
