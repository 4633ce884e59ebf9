package io.cdcconsole.sandbox;

import static io.cdcconsole.sandbox.FlinkRest.PATIENCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.sandbox.jobs.SequenceJob;
import io.cdcconsole.sandbox.junit.FlinkSandboxExtension;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Cluster outage: stop closes the port, start brings a fresh cluster back on the same port. */
class FlinkSandboxRestartIT {

  @RegisterExtension static FlinkSandboxExtension flink = new FlinkSandboxExtension().slots(2);

  @TempDir static Path tmp;

  @Test
  void stopClosesThePortAndStartComesBackOnTheSamePortWithoutOldJobs() throws Exception {
    FlinkRest rest = new FlinkRest(flink.restUrl());
    String jarId =
        rest.uploadJarId(
            TestJars.jar(tmp.resolve("job.jar"), List.of(SequenceJob.class), List.of()));
    String jobId = FlinkRest.newJobId();
    assertEquals(
        200, rest.runJar(jarId, SequenceJob.class.getName(), jobId, List.of("10")).status());
    assertEquals(
        "FINISHED", rest.awaitJobState(jobId, Set.of("FINISHED"), PATIENCE).path("state").asText());
    assertTrue(rest.get("/jobs/overview").body().contains(jobId));

    int port = flink.port();
    long firstPid = flink.pid();
    flink.stop();
    assertFalse(flink.isRunning());
    assertFalse(ProcessHandle.of(firstPid).map(ProcessHandle::isAlive).orElse(false));
    assertThrows(
        IOException.class,
        () -> {
          try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
          }
        });
    assertEquals(port, flink.port(), "the port stays known while stopped");

    flink.start();
    assertTrue(flink.isRunning());
    assertEquals(port, flink.port());
    FlinkRest.Response overview = rest.get("/overview");
    assertEquals(200, overview.status());
    FlinkRest.Response jobs = rest.get("/jobs/overview");
    assertEquals(200, jobs.status());
    assertFalse(jobs.body().contains(jobId), jobs.body());
    assertEquals(0, jobs.json().path("jobs").size(), jobs.body());
  }
}
