package io.cdcconsole.launcher;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Security review L9, launcher side: a value the console names as secret (a named secret used in an
 * option whose name looks harmless) is masked in the launcher's error, which Flink shows in its
 * answer and log; without the console's list, only secret-looking options would be.
 */
class PipelineLauncherRedactionTest {
  private static final String SECRET = "named-secret-in-a-plain-option-77";

  private static String everything(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return out.toString();
  }

  @Test
  void aValueTheConsoleNamesIsMaskedInTheWholeError() {
    // the connector type is the one option every error quotes: here it stands in for any
    // harmless-looking option
    String yaml = "source:\n  type: " + SECRET + "\nsink:\n  type: " + SECRET + "\n";
    PipelineLaunchException unnamed =
        assertThrows(PipelineLaunchException.class, () -> PipelineLauncher.launch(yaml));
    assertTrue(
        everything(unnamed).contains(SECRET),
        "the case needs an error that quotes it: " + everything(unnamed));

    PipelineLaunchException named =
        assertThrows(
            PipelineLaunchException.class, () -> PipelineLauncher.launch(yaml, Set.of(SECRET)));
    assertFalse(everything(named).contains(SECRET), everything(named));
    assertTrue(named.getMessage().contains(Redactor.MASK), named.getMessage());
  }
}
