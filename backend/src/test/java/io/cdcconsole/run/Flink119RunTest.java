package io.cdcconsole.run;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.sandbox.junit.FlinkCdcVersion;
import io.cdcconsole.sandbox.junit.FlinkSandboxExtension;
import io.cdcconsole.sandbox.junit.ProjectPaths;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link FlinkVersionRunTest} on a Flink 1.19 session cluster (the Flink 1.19 sandbox, {@code
 * flink/sandbox-flink119}) with Flink CDC 3.3.0, the release built against Flink 1.19.1 ({@code
 * ../shared/flink-cdc/3.3.0}): {@code /exceptions} answers the 1.x shape, with {@code
 * root-exception} beside {@code exceptionHistory}.
 */
@EnabledIf(
    value = "available",
    disabledReason = "needs flink/sandbox-flink119 built and ../shared/flink-cdc/3.3.0")
class Flink119RunTest extends FlinkVersionRunTest {
  static final Path SANDBOX = Path.of("flink/sandbox-flink119/target/flink-sandbox-flink119.jar");

  @RegisterExtension static final FlinkSandboxExtension FLINK = sandbox();

  static boolean available() {
    return ProjectPaths.find(SANDBOX).isPresent() && FlinkCdcVersion.V3_3_0.missing().isEmpty();
  }

  private static FlinkSandboxExtension sandbox() {
    FlinkSandboxExtension flink = new FlinkSandboxExtension().sandboxJar(SANDBOX);
    return available() ? FlinkCdcVersion.V3_3_0.applyTo(flink) : flink;
  }

  @Override
  protected FlinkSandboxExtension flink() {
    return FLINK;
  }

  @Override
  protected String flinkVersionPrefix() {
    return "1.19.";
  }

  @Override
  protected String flinkCdcVersion() {
    return "3.3.0";
  }

  @Override
  protected void assertExceptionsShape(JsonObject exceptions) {
    assertTrue(
        exceptions.containsKey("root-exception"),
        "Flink 1.x answers root-exception: " + exceptions.encode());
  }
}
