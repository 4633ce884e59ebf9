package io.cdcconsole.sandbox.junit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A private MariaDB server for CDC tests (Debian's {@code mariadb-server}): its own data directory,
 * on 127.0.0.1 and a free port, with the row-based binary log a MySQL CDC source reads ({@code
 * log_bin}, {@code binlog_format=ROW}, {@code binlog_row_image=FULL}, {@code server_id}) and a user
 * {@value #USER} with SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE and REPLICATION CLIENT. SQL
 * is run through the {@code mariadb} client on the server's socket.
 */
public final class MariaDbServer implements AutoCloseable {

  public static final String USER = "cdc";
  public static final String PASSWORD = "cdc-test-pw";
  private static final Path SERVER = Path.of("/usr/sbin/mariadbd");
  private static final Path INSTALL = Path.of("/usr/bin/mariadb-install-db");

  private final Path dir;
  private final int port;
  private final Process process;

  private MariaDbServer(Path dir, int port, Process process) {
    this.dir = dir;
    this.port = port;
    this.process = process;
  }

  /** Why no server can be started here (a test skips with it), or empty. */
  public static Optional<String> missing() {
    return Files.isExecutable(SERVER) && Files.isExecutable(INSTALL)
        ? Optional.empty()
        : Optional.of("MariaDB is not installed (" + SERVER + "; Debian package mariadb-server)");
  }

  public static MariaDbServer start(Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path data = dir.resolve("data");
    run(
        dir,
        List.of(
            INSTALL.toString(),
            "--no-defaults",
            "--datadir=" + data,
            "--user=" + user(),
            "--auth-root-authentication-method=normal",
            "--skip-test-db"),
        120);
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Process p =
        new ProcessBuilder(
                SERVER.toString(),
                "--no-defaults",
                "--user=" + user(),
                "--datadir=" + data,
                "--bind-address=127.0.0.1",
                "--port=" + port,
                "--socket=" + dir.resolve("sock"),
                "--pid-file=" + dir.resolve("pid"),
                "--log-bin=" + data.resolve("binlog"),
                "--binlog-format=ROW",
                "--binlog-row-image=FULL",
                "--server-id=1",
                "--skip-name-resolve",
                "--innodb-buffer-pool-size=32M")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("mariadb.log").toFile())
            .start();
    MariaDbServer server = new MariaDbServer(dir, port, p);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        server.sql("SELECT 1");
        break;
      } catch (IllegalStateException notYet) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          server.close();
          throw new IllegalStateException(
              "MariaDB did not start: " + Files.readString(dir.resolve("mariadb.log")));
        }
        Thread.sleep(200);
      }
    }
    server.sql(
        "CREATE USER '"
            + USER
            + "'@'%' IDENTIFIED BY '"
            + PASSWORD
            + "'; GRANT SELECT, RELOAD, SHOW DATABASES,"
            + " REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '"
            + USER
            + "'@'%'");
    return server;
  }

  public int port() {
    return port;
  }

  /** Runs SQL as root through the socket; throws with the client's output when it fails. */
  public String sql(String statements) {
    try {
      return run(
          dir,
          List.of(
              "mariadb",
              "--no-defaults",
              "-S",
              dir.resolve("sock").toString(),
              "-u",
              "root",
              "-N",
              "-B",
              "-e",
              statements),
          60);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static String user() {
    return System.getProperty("user.name");
  }

  private static String run(Path dir, List<String> command, int seconds)
      throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(new ArrayList<>(command))
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
    String text = new String(out, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command.subList(0, 1)) + " failed: " + text);
    }
    return text;
  }
}
