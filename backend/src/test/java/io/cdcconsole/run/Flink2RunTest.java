package io.cdcconsole.run;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.cdcconsole.sandbox.junit.FlinkCdcVersion;
import io.cdcconsole.sandbox.junit.FlinkSandboxExtension;
import io.cdcconsole.sandbox.junit.ProjectPaths;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link FlinkVersionRunTest} on a Flink 2.2 session cluster (the Flink 2 sandbox, {@code
 * flink/sandbox-flink2}) with Flink CDC 3.6.0's Flink 2 build: the root cause of a failure comes
 * from Flink 2's {@code /exceptions} (no {@code root-exception}, {@code exceptionHistory} only).
 */
@EnabledIf(
    value = "available",
    disabledReason = "needs flink/sandbox-flink2 built and ../shared/flink-cdc/3.6.0-flink2")
class Flink2RunTest extends FlinkVersionRunTest {
  static final Path SANDBOX = Path.of("flink/sandbox-flink2/target/flink-sandbox-flink2.jar");

  @RegisterExtension static final FlinkSandboxExtension FLINK = sandbox();

  static boolean available() {
    return ProjectPaths.find(SANDBOX).isPresent()
        && FlinkCdcVersion.V3_6_0_FLINK2.missing().isEmpty();
  }

  private static FlinkSandboxExtension sandbox() {
    FlinkSandboxExtension flink = new FlinkSandboxExtension().sandboxJar(SANDBOX);
    return available() ? FlinkCdcVersion.V3_6_0_FLINK2.applyTo(flink) : flink;
  }

  @Override
  protected FlinkSandboxExtension flink() {
    return FLINK;
  }

  @Override
  protected String flinkVersionPrefix() {
    return "2.2.";
  }

  @Override
  protected String flinkCdcVersion() {
    return "3.6.0";
  }

  @Override
  protected void assertExceptionsShape(JsonObject exceptions) {
    assertFalse(
        exceptions.containsKey("root-exception"),
        "Flink 2 dropped root-exception: " + exceptions.encode());
  }
}
