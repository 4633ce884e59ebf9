package io.cdcconsole.sandbox.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the test data jars of a Flink CDC version are looked for, and the reason a test skips
 * without them.
 */
class FlinkCdcVersionTest {

  @AfterEach
  void clear() {
    System.clearProperty(FlinkCdcVersion.SHARED_DIR_PROPERTY);
  }

  @Test
  void aSharedVersionIsFoundInTheConfiguredDirectory(@TempDir Path shared) throws Exception {
    Files.createDirectories(shared.resolve("3.4.0"));
    System.setProperty(FlinkCdcVersion.SHARED_DIR_PROPERTY, shared.toString());
    assertEquals(Optional.empty(), FlinkCdcVersion.V3_4_0.missing());
    assertEquals(
        Optional.of(shared.resolve("3.4.0").toAbsolutePath()), FlinkCdcVersion.V3_4_0.directory());
  }

  @Test
  void anAbsentVersionSaysWhereItWasExpected(@TempDir Path shared) {
    System.setProperty(FlinkCdcVersion.SHARED_DIR_PROPERTY, shared.toString());
    String why = FlinkCdcVersion.V3_5_0.missing().orElseThrow();
    assertTrue(
        why.startsWith("Flink CDC 3.5.0 test jars not found: expected ../shared/flink-cdc/3.5.0"),
        why);
    assertTrue(why.contains("-D" + FlinkCdcVersion.SHARED_DIR_PROPERTY), why);
    assertThrows(IllegalStateException.class, FlinkCdcVersion.V3_5_0::directory);
    // the built-in version needs nothing
    assertEquals(Optional.empty(), FlinkCdcVersion.V3_2_0.missing());
  }
}
