package io.cdcconsole.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedactorTest {

  @Test
  void wrapUsesTheRootCauseMessageAndKeepsACleanChainAsItIs() {
    Redactor redactor = new Redactor(List.of("Secret-Value-1"));
    RuntimeException root =
        new RuntimeException("Cannot find factory with identifier \"nosuch\" in the classpath.");
    IllegalStateException cause = new IllegalStateException("translation failed", root);
    PipelineLaunchException e = redactor.wrap("Could not build the pipeline", cause);
    assertEquals(
        "Could not build the pipeline: Cannot find factory with identifier \"nosuch\" in the classpath.",
        e.getMessage());
    assertSame(cause, e.getCause());
  }

  @Test
  void secretsAreMaskedInTheMessageAndTheWholeChain() {
    Redactor redactor = new Redactor(List.of("Secret-Value-1", "Secret-Value-1-longer"));
    RuntimeException root =
        new RuntimeException("Access denied, using password Secret-Value-1-longer");
    Exception cause = new Exception("option value 'Secret-Value-1' is bad", root);
    PipelineLaunchException e = redactor.wrap("Could not build the pipeline", cause);
    assertEquals(
        "Could not build the pipeline: Access denied, using password ******", e.getMessage());

    StringWriter trace = new StringWriter();
    e.printStackTrace(new PrintWriter(trace));
    assertFalse(trace.toString().contains("Secret-Value"), trace.toString());
    assertTrue(
        trace.toString().contains("java.lang.Exception: option value '******' is bad"),
        trace.toString());
    assertTrue(
        trace.toString().contains("java.lang.RuntimeException: Access denied"), trace.toString());
  }

  @Test
  void launcherRejectsMissingArguments() {
    assertThrows(PipelineLaunchException.class, () -> PipelineLauncher.main(new String[0]));
    assertThrows(PipelineLaunchException.class, () -> PipelineLauncher.main(new String[] {" "}));
  }

  @Test
  void launcherReportsInvalidYamlWithoutItsText() {
    PipelineLaunchException e =
        assertThrows(
            PipelineLaunchException.class,
            () ->
                PipelineLauncher.main(
                    new String[] {"source:\n  type: values\n  password: Main-Secret-2: x\n"}));
    assertTrue(
        e.getMessage().startsWith("The pipeline is not valid YAML at line 3"), e.getMessage());
    assertFalse(e.getMessage().contains("Main-Secret-2"));
  }

  @Test
  void launcherReportsAMissingSourceTypeAsAnInvalidDefinition() {
    PipelineLaunchException e =
        assertThrows(
            PipelineLaunchException.class,
            () ->
                PipelineLauncher.main(
                    new String[] {"source:\n  password: Main-Secret-3\nsink:\n  type: values\n"}));
    assertEquals(
        "Invalid pipeline definition: Missing required field \"type\" in source configuration",
        e.getMessage());
  }
}
