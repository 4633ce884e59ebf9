package io.cdcconsole.store;

import io.cdcconsole.config.ConfigException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This console's claim on the embedded data directory: a lock held while the console lives (the
 * kernel drops it when the process dies, even by SIGKILL), and with it the right to stop a
 * postmaster that a dead console left behind. Without that, the first start after a crash fails:
 * the old postmaster still holds {@code postmaster.pid}.
 */
final class EmbeddedDataDirectory implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDataDirectory.class);
  private static final long STOP_TIMEOUT_SECONDS = 60;

  private final FileChannel channel;
  private final FileLock lock;

  private EmbeddedDataDirectory(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Claims {@code dataDir} for this process and stops the postmaster of a dead console still
   * running on it. The lock lives next to the data directory, not in it: initdb wants an empty
   * directory.
   */
  static EmbeddedDataDirectory claim(Path home, Path dataDir) throws IOException, ConfigException {
    FileChannel channel =
        FileChannel.open(
            home.resolve("postgres.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      channel.close();
      throw new ConfigException(
          "another console is using the embedded database in "
              + dataDir
              + "; stop it or give this one its own CDC_CONSOLE_HOME");
    }
    EmbeddedDataDirectory claim = new EmbeddedDataDirectory(channel, lock);
    try {
      stopOrphanedPostmaster(dataDir);
      return claim;
    } catch (IOException | ConfigException | RuntimeException e) {
      claim.close();
      throw e;
    }
  }

  /**
   * No console holds the directory (we have the lock), so a live postmaster on it was left by one
   * that died: stop it as {@code pg_ctl stop -m fast} would (SIGINT: it drops the dead console's
   * sessions and shuts down cleanly).
   */
  private static void stopOrphanedPostmaster(Path dataDir) throws IOException, ConfigException {
    Path pidFile = dataDir.resolve("postmaster.pid");
    List<String> lines;
    try {
      lines = Files.readAllLines(pidFile);
    } catch (NoSuchFileException e) {
      return;
    }
    Optional<ProcessHandle> process =
        pid(lines).flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive);
    if (process.isEmpty()) {
      return; // a stale file of a dead postmaster: PostgreSQL itself replaces it
    }
    ProcessHandle postmaster = process.get();
    if (!isPostmasterOf(postmaster, dataDir)) {
      // the pid was reused by an unrelated process; PostgreSQL would take it for a live postmaster
      // and refuse
      LOG.warn(
          "Removing the stale {}: its pid {} is now another process", pidFile, postmaster.pid());
      Files.deleteIfExists(pidFile);
      return;
    }
    LOG.warn(
        "The embedded PostgreSQL (pid {}) of a console that ended without stopping it still runs on {}; "
            + "stopping it",
        postmaster.pid(),
        dataDir);
    signalFastShutdown(postmaster);
    try {
      postmaster.onExit().get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new ConfigException(
          "the embedded PostgreSQL left running by an earlier console (pid "
              + postmaster.pid()
              + ") did not stop within "
              + STOP_TIMEOUT_SECONDS
              + " s; stop it and start again");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stopping the orphaned PostgreSQL", e);
    } catch (ExecutionException e) {
      throw new IOException(e.getCause());
    }
    LOG.info("The orphaned embedded PostgreSQL (pid {}) stopped", postmaster.pid());
  }

  private static Optional<Long> pid(List<String> lines) {
    try {
      return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).trim()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * A postgres process whose working directory is the data directory (the postmaster runs in it).
   */
  static boolean isPostmasterOf(ProcessHandle process, Path dataDir) {
    boolean postgres =
        process
            .info()
            .command()
            .map(c -> Path.of(c).getFileName().toString().equals("postgres"))
            .orElse(false);
    if (!postgres) {
      return false;
    }
    Path cwd = Path.of("/proc", Long.toString(process.pid()), "cwd");
    try {
      return Files.isSameFile(cwd, dataDir);
    } catch (IOException e) {
      // no /proc (not Linux): a postgres named by our own postmaster.pid is taken as ours
      return true;
    }
  }

  /**
   * SIGINT, PostgreSQL's fast shutdown; SIGTERM (smart shutdown) where no kill command is at hand.
   */
  static void signalFastShutdown(ProcessHandle postmaster) {
    try {
      Process kill =
          new ProcessBuilder("kill", "-INT", Long.toString(postmaster.pid()))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0) {
        return;
      }
    } catch (IOException e) {
      // no kill command: fall through
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    postmaster.destroy();
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException e) {
      LOG.debug("Releasing the embedded database lock: {}", e.getMessage());
    }
    try {
      channel.close();
    } catch (IOException e) {
      LOG.debug("Closing the embedded database lock: {}", e.getMessage());
    }
  }
}
