package io.cdcconsole.launcher;

import static io.cdcconsole.launcher.PipelineLauncherIT.marker;
import static io.cdcconsole.launcher.PipelineLauncherIT.millisSince;
import static io.cdcconsole.launcher.PipelineLauncherIT.report;
import static io.cdcconsole.sandbox.FlinkRest.PATIENCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdcconsole.sandbox.junit.FlinkCdcVersion;
import io.cdcconsole.sandbox.junit.FlinkSandboxExtension;
import io.cdcconsole.sandbox.junit.MariaDbServer;
import io.cdcconsole.sandbox.junit.ProjectPaths;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A MySQL pipeline (MySQL source on a private MariaDB, values sink) on the Flink CDC releases whose MySQL pipeline
 * connector is at hand — 3.2.0 (Maven Central) and 3.6.0 (../shared/flink-cdc) — each on a sandbox of its own: the
 * snapshot and a row inserted while it runs reach the sink, stop with a savepoint, a row inserted while it is
 * stopped, and the resume from the savepoint reads on from the binlog position it stopped at: the new row arrives,
 * the snapshot is not read again.
 */
class MySqlPipelineVersionIT {

    static MariaDbServer mariadb;

    @BeforeAll
    static void startMariaDb() throws Exception {
        Assumptions.assumeTrue(MariaDbServer.missing().isEmpty(), () -> MariaDbServer.missing().get());
        mariadb = MariaDbServer.start(Path.of("target", "mariadb-" + marker()).toAbsolutePath());
    }

    @AfterAll
    static void stopMariaDb() {
        if (mariadb != null) {
            mariadb.close();
        }
    }

    static Stream<FlinkCdcVersion> versions() {
        return Stream.of(FlinkCdcVersion.V3_2_0, FlinkCdcVersion.V3_6_0);
    }

    @ParameterizedTest(name = "Flink CDC {0}")
    @MethodSource("versions")
    void snapshotStreamStopWithSavepointAndResumeFromTheBinlogPosition(FlinkCdcVersion version) throws Exception {
        Assumptions.assumeTrue(version.missing().isEmpty(), () -> version.missing().orElseThrow());
        Path mysqlJars = ProjectPaths.find(Path.of("flink/sandbox/target/flink-cdc/mysql")).orElse(null);
        Assumptions.assumeTrue(mysqlJars != null, "flink/sandbox/target/flink-cdc/mysql missing: build flink/sandbox");
        List<Path> extra = new ArrayList<>();
        extra.add(mysqlJars.resolve("mysql-connector-j-8.0.33.jar"));
        if (version == FlinkCdcVersion.V3_2_0) {
            extra.add(mysqlJars.resolve("flink-cdc-pipeline-connector-mysql-3.2.0.jar"));
        }
        FlinkSandboxExtension flink = version.applyTo(
                new FlinkSandboxExtension().name("MySqlPipelineVersionIT-" + version), extra.toArray(Path[]::new));
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
        mariadb.sql("CREATE DATABASE " + db + "; CREATE TABLE " + db + ".orders (id INT PRIMARY KEY, note VARCHAR(64));"
                + " INSERT INTO " + db + ".orders VALUES (1, 'snapshot-row-" + db + "')");
        String yaml = String.join("\n",
                "source:",
                "  type: mysql",
                "  hostname: 127.0.0.1",
                "  port: " + mariadb.port(),
                "  username: " + MariaDbServer.USER,
                "  password: " + MariaDbServer.PASSWORD,
                "  tables: " + db + ".orders",
                "  server-id: 5401-5404",
                "  server-time-zone: UTC",
                "sink:",
                "  type: values",
                "  print.enabled: true",
                "pipeline:",
                "  name: mysql-" + db,
                "  parallelism: 1",
                "");
        FlinkApi api = new FlinkApi(flink.restUrl());
        String jarId = api.uploadJarId(FlinkApi.launcherJar());
        String firstJobId = FlinkApi.newJobId();
        long start = System.nanoTime();
        FlinkApi.Response run = api.run(jarId, FlinkApi.withFlinkConfiguration(FlinkApi.runBody(firstJobId, yaml),
                java.util.Map.of("execution.checkpointing.interval", "2 s")));
        assertEquals(200, run.status(), run.body());
        api.awaitAllTasksRunning(firstJobId, PATIENCE);
        Path out = flink.workDir().resolve("stderr.log");
        awaitText(out, "snapshot-row-" + db, PATIENCE);
        mariadb.sql("INSERT INTO " + db + ".orders VALUES (2, 'streamed-row-" + db + "')");
        awaitText(out, "streamed-row-" + db, PATIENCE);
        report(version + ": MySQL snapshot and binlog rows in the sink " + millisSince(start) + " ms after the run");

        String savepoint = api.stopWithSavepoint(firstJobId, PATIENCE);
        assertEquals("FINISHED", api.awaitJobState(firstJobId, Set.of("FINISHED"), PATIENCE).path("state").asText());
        mariadb.sql("INSERT INTO " + db + ".orders VALUES (3, 'while-stopped-" + db + "')");
        int snapshotCopies = count(Files.readString(out), "snapshot-row-" + db);

        String secondJobId = FlinkApi.newJobId();
        ObjectNode body = FlinkApi.runBody(secondJobId, yaml);
        body.put("savepointPath", savepoint);
        start = System.nanoTime();
        FlinkApi.Response resume = api.run(jarId, body);
        assertEquals(200, resume.status(), resume.body());
        api.awaitAllTasksRunning(secondJobId, PATIENCE);
        awaitText(out, "while-stopped-" + db, PATIENCE);
        JsonNode restored = api.get("/jobs/" + secondJobId + "/checkpoints").json().path("latest").path("restored");
        assertEquals(savepoint, restored.path("external_path").asText(), restored.toString());
        assertEquals(snapshotCopies, count(Files.readString(out), "snapshot-row-" + db),
                "resumed from the binlog position: the snapshot is not read again");
        report(version + ": MySQL resumed from the savepoint, the row written while stopped arrived in "
                + millisSince(start) + " ms");
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
