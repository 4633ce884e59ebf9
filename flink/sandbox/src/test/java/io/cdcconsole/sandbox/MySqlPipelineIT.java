package io.cdcconsole.sandbox;

import static io.cdcconsole.sandbox.FlinkRest.PATIENCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cdcconsole.sandbox.jobs.ValuesPipelineJob;
import io.cdcconsole.sandbox.junit.FlinkSandboxExtension;
import io.cdcconsole.sandbox.junit.MariaDbExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MySQL pipeline connector (Flink CDC 3.2.0) on the sandbox's class path reads a real binlog
 * source, a private MariaDB: the snapshot rows, then an insert, an update and a delete reach the
 * values sink (which prints them).
 */
class MySqlPipelineIT {

  @RegisterExtension
  @Order(1)
  static MariaDbExtension mariadb = new MariaDbExtension();

  @RegisterExtension
  @Order(2)
  static FlinkSandboxExtension flink = new FlinkSandboxExtension();

  @TempDir static Path tmp;

  @Test
  void snapshotThenBinlogChangesReachTheValuesSink() throws Exception {
    mariadb.sql(
        "CREATE TABLE orders (id INT PRIMARY KEY, item VARCHAR(40), qty INT);"
            + "INSERT INTO orders VALUES (1, 'snapshot-apple', 3), (2, 'snapshot-pear', 5);");
    String yaml =
        mariadb.sourceYaml(MariaDbExtension.DATABASE + ".orders", 5401)
            + String.join(
                "\n",
                "sink:",
                "  type: values",
                "  print.enabled: true",
                "pipeline:",
                "  name: sandbox-mysql-pipeline",
                "  parallelism: 1",
                "");
    FlinkRest rest = new FlinkRest(flink.restUrl());
    String jarId =
        rest.uploadJarId(
            TestJars.jar(
                tmp.resolve("mysql-pipeline.jar"), List.of(ValuesPipelineJob.class), List.of()));
    String jobId = FlinkRest.newJobId();
    FlinkRest.Response run =
        rest.runJar(jarId, ValuesPipelineJob.class.getName(), jobId, List.of(yaml));
    assertEquals(200, run.status(), run.body());
    rest.awaitAllTasksRunning(jobId, PATIENCE);

    awaitPrinted("snapshot-pear");
    // the snapshot is over once its rows are out; the changes below come from the binlog
    mariadb.sql(
        "INSERT INTO orders VALUES (3, 'binlog-plum', 7);"
            + "UPDATE orders SET qty = 42 WHERE id = 1;"
            + "DELETE FROM orders WHERE id = 2;");
    String out = awaitPrinted("binlog-plum", "42", "DELETE");
    assertTrue(out.contains("CreateTableEvent"), "no CreateTableEvent printed");
    assertTrue(out.contains("UPDATE"), "no update printed");

    JsonNode job = rest.get("/jobs/" + jobId).json();
    assertEquals("RUNNING", job.path("state").asText(), job.toString());
    // what the console's health sampler reads (docs/health.md): the metric names of the source
    // vertex
    String source = null;
    for (JsonNode node : rest.get("/jobs/" + jobId + "/plan").json().path("plan").path("nodes")) {
      if (!node.has("inputs") || node.path("inputs").isEmpty()) {
        source = node.path("id").asText();
      }
    }
    String vertex = "/jobs/" + jobId + "/vertices/" + source;
    // the JobManager fetches metrics from the TaskManager lazily (metrics.fetcher.update-interval),
    // and a list fetched before the source reader registered its gauges lacks them: ask until the
    // lag gauge is listed (a loaded machine saw a list of the task's own metrics only)
    String subtaskMetrics = "[]";
    for (long deadline = System.nanoTime() + PATIENCE.toNanos();
        !subtaskMetrics.contains("currentFetchEventTimeLag") && System.nanoTime() < deadline;
        Thread.sleep(1000)) {
      subtaskMetrics = rest.get(vertex + "/subtasks/metrics").body();
    }
    FlinkRest.Response enumerator = rest.get(vertex + "/jm-operator-metrics");
    System.out.println("SOURCE VERTEX METRICS " + subtaskMetrics);
    System.out.println("ENUMERATOR METRICS " + enumerator.status() + " " + enumerator.body());
    assertTrue(subtaskMetrics.contains("currentFetchEventTimeLag"), subtaskMetrics);
    assertEquals(202, rest.patch("/jobs/" + jobId + "?mode=cancel").status());
    rest.awaitJobState(jobId, Set.of("CANCELED"), PATIENCE);
  }

  /** The sandbox sends jobs' stdout (the values sink's prints) to its stderr log. */
  private static String awaitPrinted(String... texts) throws Exception {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    Set<String> missing = new TreeSet<>(List.of(texts));
    String out = "";
    while (!missing.isEmpty()) {
      out = Files.readString(flink.workDir().resolve("stderr.log"), StandardCharsets.UTF_8);
      for (Iterator<String> it = missing.iterator(); it.hasNext(); ) {
        if (out.contains(it.next())) {
          it.remove();
        }
      }
      if (!missing.isEmpty() && System.nanoTime() > deadline) {
        throw new AssertionError("not printed by the values sink: " + missing + "\n" + out);
      }
      Thread.sleep(300);
    }
    return out;
  }
}
