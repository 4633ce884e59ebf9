package io.cdcconsole.store;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the embedded PostgreSQL when the console process dies without stopping it (SIGKILL, an OOM
 * kill).
 *
 * <p>Why a separate process: pg_ctl daemonises the postmaster, so it is no child that dies with us;
 * a shutdown hook does not run on SIGKILL; and Java cannot ask the kernel for a parent-death signal
 * (PR_SET_PDEATHSIG). A tiny {@code sh} loop that the kill does not reach costs one {@code kill -0}
 * a second. It stops the postmaster only while {@code postmaster.pid} still names it, so it never
 * touches the server of a console started after us. Where there is no {@code /bin/sh} it is not
 * started, and the next console start stops the orphan instead ({@link EmbeddedDataDirectory}).
 */
final class PostmasterWatchdog {
  private static final Logger LOG = LoggerFactory.getLogger(PostmasterWatchdog.class);

  /** $1 console pid, $2 postmaster pid, $3 data directory. */
  private static final String SCRIPT =
      """
      while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 1; done
      if kill -0 "$2" 2>/dev/null && [ "$(head -n 1 "$3/postmaster.pid" 2>/dev/null)" = "$2" ]; then kill -INT "$2"; fi
      """;

  private PostmasterWatchdog() {}

  /**
   * The watchdog for the postmaster running on {@code dataDir}, if the platform has a shell for it.
   */
  static Optional<Process> start(Path dataDir) {
    Path shell = Path.of("/bin/sh");
    if (!Files.isExecutable(shell)) {
      return Optional.empty();
    }
    try {
      String postmaster = Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim();
      Process watchdog =
          new ProcessBuilder(
                  shell.toString(),
                  "-c",
                  SCRIPT,
                  "cdc-console-pg-watchdog",
                  Long.toString(ProcessHandle.current().pid()),
                  postmaster,
                  dataDir.toAbsolutePath().toString())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      LOG.debug(
          "Watchdog {} stops the embedded PostgreSQL (pid {}) if this console dies",
          watchdog.pid(),
          postmaster);
      return Optional.of(watchdog);
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "No watchdog for the embedded PostgreSQL ({}); after a crash the next start stops it",
          e.getMessage());
      return Optional.empty();
    }
  }
}
