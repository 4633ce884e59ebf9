package io.cdcconsole.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class SandboxOptionsTest {

  @Test
  void defaults() {
    SandboxOptions o = SandboxOptions.parse();
    assertEquals(8081, o.port());
    assertEquals(8, o.slots());
    assertTrue(o.workDir().isAbsolute());
    assertEquals("flink-sandbox-work", o.workDir().getFileName().toString());
    assertTrue(o.extraConfig().isEmpty());
    assertEquals(0, o.exitWithPid());
  }

  @Test
  void flagsWithSeparateAndInlineValues() {
    SandboxOptions o =
        SandboxOptions.parse(
            "--port",
            "0",
            "--work-dir=/tmp/x",
            "--slots",
            "3",
            "--conf",
            "a.b=c",
            "--conf=d=e=f",
            "--exit-with-pid",
            "42");
    assertEquals(0, o.port());
    assertEquals(Path.of("/tmp/x"), o.workDir());
    assertEquals(3, o.slots());
    assertEquals(Map.of("a.b", "c", "d", "e=f"), o.extraConfig());
    assertEquals(42, o.exitWithPid());
  }

  @Test
  void badArgumentsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> SandboxOptions.parse("--port", "x"));
    assertThrows(IllegalArgumentException.class, () -> SandboxOptions.parse("--port", "70000"));
    assertThrows(IllegalArgumentException.class, () -> SandboxOptions.parse("--slots", "0"));
    assertThrows(IllegalArgumentException.class, () -> SandboxOptions.parse("--port"));
    assertThrows(IllegalArgumentException.class, () -> SandboxOptions.parse("--conf", "novalue"));
    assertThrows(IllegalArgumentException.class, () -> SandboxOptions.parse("--what"));
    assertThrows(
        IllegalArgumentException.class, () -> SandboxOptions.parse("--exit-with-pid", "0"));
    assertTrue(SandboxOptions.wantsHelp("--help"));
    assertFalse(SandboxOptions.wantsHelp("--port", "1"));
  }

  @Test
  void clusterConfiguration() {
    SandboxOptions o =
        SandboxOptions.parse(
            "--port",
            "18081",
            "--work-dir",
            "/tmp/w",
            "--slots",
            "4",
            "--conf",
            "pipeline.max-parallelism=64");
    Configuration c = FlinkSandbox.configuration(o, Path.of("/tmp/w/log/sandbox.log"));
    Map<String, String> m = c.toMap();
    assertEquals("127.0.0.1", m.get("rest.bind-address"));
    assertEquals("127.0.0.1", m.get("rest.address"));
    assertEquals("18081", m.get("rest.bind-port"));
    assertEquals("true", m.get("web.submit.enable"));
    assertEquals("/tmp/w/upload", m.get("web.upload.dir"));
    assertEquals("file:///tmp/w/savepoints", m.get("state.savepoints.dir"));
    assertEquals("file:///tmp/w/checkpoints", m.get("state.checkpoints.dir"));
    assertEquals("file:///tmp/w/savepoints", m.get("execution.checkpointing.savepoint-dir"));
    assertTrue(
        m.get("classloader.parent-first-patterns.additional").contains("org.apache.flink.cdc."));
    assertEquals("4", m.get("taskmanager.numberOfTaskSlots"));
    assertFalse(
        m.containsKey("execution.checkpointing.interval"), "checkpointing is off by default");
    assertEquals(
        "64", c.get(ConfigOptions.key("pipeline.max-parallelism").stringType().noDefaultValue()));
  }
}
