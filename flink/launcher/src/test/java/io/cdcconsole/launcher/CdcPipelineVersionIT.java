package io.cdcconsole.launcher;

import static io.cdcconsole.launcher.PipelineLauncherIT.marker;
import static io.cdcconsole.launcher.PipelineLauncherIT.millisSince;
import static io.cdcconsole.launcher.PipelineLauncherIT.report;
import static io.cdcconsole.sandbox.FlinkRest.PATIENCE;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcconsole.sandbox.junit.FlinkCdcVersion;
import io.cdcconsole.sandbox.junit.FlinkSandboxExtension;
import io.cdcconsole.sandbox.junit.MariaDbServer;
import io.cdcconsole.sandbox.junit.PostgresServer;
import io.cdcconsole.sandbox.junit.ProjectPaths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * CDC pipelines with sources that restore from a savepoint, on the Flink CDC releases whose
 * connectors are at hand, each on a sandbox of its own: MySQL (on a private MariaDB) with 3.2.0
 * (Maven Central) and 3.6.0 (../shared/flink-cdc), Postgres (a private PostgreSQL with logical
 * replication) with 3.6.0. Each time: the snapshot and a row inserted while it runs reach the
 * values sink, stop with a savepoint, a row inserted while it is stopped, and the resume from the
 * savepoint reads on from the log position it stopped at: the new row arrives, the snapshot is not
 * read again. Skipped with the reason where MariaDB, PostgreSQL or the shared jars are missing.
 */
class CdcPipelineVersionIT {

  static MariaDbServer mariadb;
  static PostgresServer postgres;

  @AfterAll
  static void stopDatabases() {
    if (mariadb != null) {
      mariadb.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  static Stream<FlinkCdcVersion> versions() {
    return Stream.of(FlinkCdcVersion.V3_2_0, FlinkCdcVersion.V3_6_0);
  }

  @ParameterizedTest(name = "MySQL on Flink CDC {0}")
  @MethodSource("versions")
  void mysqlSnapshotBinlogStopWithSavepointAndResume(FlinkCdcVersion version) throws Exception {
    Assumptions.assumeTrue(version.missing().isEmpty(), () -> version.missing().orElseThrow());
    Assumptions.assumeTrue(MariaDbServer.missing().isEmpty(), () -> MariaDbServer.missing().get());
    synchronized (CdcPipelineVersionIT.class) {
      if (mariadb == null) {
        mariadb = MariaDbServer.start(Path.of("target", "mariadb-" + marker()).toAbsolutePath());
      }
    }
    Path mysqlJars =
        ProjectPaths.find(Path.of("flink/sandbox/target/flink-cdc/mysql")).orElse(null);
    Assumptions.assumeTrue(
        mysqlJars != null, "flink/sandbox/target/flink-cdc/mysql missing: build flink/sandbox");
    List<Path> extra = new ArrayList<>();
    extra.add(mysqlJars.resolve("mysql-connector-j-8.0.33.jar"));
    if (version == FlinkCdcVersion.V3_2_0) {
      extra.add(mysqlJars.resolve("flink-cdc-pipeline-connector-mysql-3.2.0.jar"));
    }
    FlinkSandboxExtension flink =
        version.applyTo(
            new FlinkSandboxExtension().name("CdcPipelineVersionIT-mysql-" + version),
            extra.toArray(Path[]::new));
    boolean failed = true;
    long started = System.nanoTime();
    flink.start();
    try {
      run(flink, version);
      failed = false;
    } finally {
      flink.finish(failed);
      report(version + ": MySQL whole run " + millisSince(started) + " ms");
    }
  }

  private void run(FlinkSandboxExtension flink, FlinkCdcVersion version) throws Exception {
    String db = "app_" + version.version().replace('.', '_');
    mariadb.sql(
        "CREATE DATABASE "
            + db
            + "; CREATE TABLE "
            + db
            + ".orders (id INT PRIMARY KEY, note VARCHAR(64));"
            + " INSERT INTO "
            + db
            + ".orders VALUES (1, 'snapshot-row-"
            + db
            + "')");
    lifecycle(
        flink,
        "MySQL " + version,
        db,
        String.join(
            "\n",
            "source:",
            "  type: mysql",
            "  hostname: 127.0.0.1",
            "  port: " + mariadb.port(),
            "  username: " + MariaDbServer.USER,
            "  password: " + MariaDbServer.PASSWORD,
            "  tables: " + db + ".orders",
            "  server-id: 5401-5404",
            "  server-time-zone: UTC"),
        (id, note) ->
            mariadb.sql("INSERT INTO " + db + ".orders VALUES (" + id + ", '" + note + "')"));
  }

  @org.junit.jupiter.api.Test
  void postgresSnapshotWalStopWithSavepointAndResumeOnFlinkCdc36() throws Exception {
    FlinkCdcVersion version = FlinkCdcVersion.V3_6_0;
    Assumptions.assumeTrue(version.missing().isEmpty(), () -> version.missing().orElseThrow());
    Assumptions.assumeTrue(
        PostgresServer.missing().isEmpty(), () -> PostgresServer.missing().get());
    postgres = PostgresServer.start(Path.of("target", "postgres-" + marker()).toAbsolutePath());
    postgres.sql("postgres", "CREATE DATABASE appdb");
    postgres.sql(
        "appdb",
        "CREATE TABLE public.orders (id INT PRIMARY KEY, note VARCHAR(64));"
            + " INSERT INTO public.orders VALUES (1, 'snapshot-row-pg')");
    FlinkSandboxExtension flink =
        version.applyTo(new FlinkSandboxExtension().name("CdcPipelineVersionIT-postgres"));
    boolean failed = true;
    long started = System.nanoTime();
    flink.start();
    try {
      lifecycle(
          flink,
          "Postgres " + version,
          "pg",
          String.join(
              "\n",
              "source:",
              "  type: postgres",
              "  hostname: 127.0.0.1",
              "  port: " + postgres.port(),
              "  username: postgres",
              "  password: not-checked-trust-auth",
              "  tables: appdb.public.orders",
              "  slot.name: flink_" + marker()),
          (id, note) ->
              postgres.sql(
                  "appdb", "INSERT INTO public.orders VALUES (" + id + ", '" + note + "')"));
      failed = false;
    } finally {
      flink.finish(failed);
      report(version + ": Postgres whole run " + millisSince(started) + " ms");
    }
  }

  /** Writes a row to the source database. */
  interface Insert {
    void row(int id, String note);
  }

  /**
   * Runs {@code source} into a values sink: the snapshot row ({@code snapshot-row-<tag>}, written
   * before) and one streamed row reach the sink; stop with savepoint; a row written while stopped;
   * resume from the savepoint: that row arrives and the snapshot is not read again.
   */
  private void lifecycle(
      FlinkSandboxExtension flink, String what, String tag, String source, Insert insert)
      throws Exception {
    String yaml =
        String.join(
            "\n",
            source,
            "sink:",
            "  type: values",
            "  print.enabled: true",
            "pipeline:",
            "  name: cdc-" + tag,
            "  parallelism: 1",
            "");
    FlinkApi api = new FlinkApi(flink.restUrl());
    String jarId = api.uploadJarId(FlinkApi.launcherJar());
    String firstJobId = FlinkApi.newJobId();
    long start = System.nanoTime();
    FlinkApi.Response run =
        api.run(
            jarId,
            FlinkApi.withFlinkConfiguration(
                FlinkApi.runBody(firstJobId, yaml),
                java.util.Map.of("execution.checkpointing.interval", "2 s")));
    assertEquals(200, run.status(), run.body());
    api.awaitAllTasksRunning(firstJobId, PATIENCE);
    Path out = flink.workDir().resolve("stderr.log");
    awaitText(out, "snapshot-row-" + tag, PATIENCE);
    insert.row(2, "streamed-row-" + tag);
    awaitText(out, "streamed-row-" + tag, PATIENCE);
    report(
        what
            + ": snapshot and streamed rows in the sink "
            + millisSince(start)
            + " ms after the run");

    String savepoint = api.stopWithSavepoint(firstJobId, PATIENCE);
    assertEquals(
        "FINISHED",
        api.awaitJobState(firstJobId, Set.of("FINISHED"), PATIENCE).path("state").asText());
    insert.row(3, "while-stopped-" + tag);
    int snapshotCopies = count(Files.readString(out), "snapshot-row-" + tag);

    String secondJobId = FlinkApi.newJobId();
    ObjectNode body = FlinkApi.runBody(secondJobId, yaml);
    body.put("savepointPath", savepoint);
    start = System.nanoTime();
    FlinkApi.Response resume = api.run(jarId, body);
    assertEquals(200, resume.status(), resume.body());
    api.awaitAllTasksRunning(secondJobId, PATIENCE);
    awaitText(out, "while-stopped-" + tag, PATIENCE);
    JsonNode restored =
        api.get("/jobs/" + secondJobId + "/checkpoints").json().path("latest").path("restored");
    assertEquals(savepoint, restored.path("external_path").asText(), restored.toString());
    assertEquals(
        snapshotCopies,
        count(Files.readString(out), "snapshot-row-" + tag),
        "resumed from the log position: the snapshot is not read again");
    report(
        what
            + ": resumed from the savepoint, the row written while stopped arrived in "
            + millisSince(start)
            + " ms");
    api.patch("/jobs/" + secondJobId + "?mode=cancel");
    api.awaitJobState(secondJobId, Set.of("CANCELED"), PATIENCE);
  }

  private static void awaitText(Path file, String text, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(file) && Files.readString(file).contains(text)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("'" + text + "' never reached the values sink (" + file + ")");
  }

  private static int count(String haystack, String needle) {
    int n = 0;
    for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }
}
