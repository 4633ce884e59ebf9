package io.cdcconsole.sandbox.junit;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A private MariaDB server for the tests that need a real binlog source (Flink CDC's MySQL
 * connector): Debian's {@code mariadbd} on 127.0.0.1 and a free port, data in a temporary
 * directory, with {@code log_bin}, {@code binlog_format=ROW}, {@code binlog_row_image=FULL} and a
 * {@code server_id}, a database {@link #DATABASE} and a user {@link #USER} with SELECT, REPLICATION
 * SLAVE and REPLICATION CLIENT (what the connector needs, nothing more). Started before the test
 * class, stopped (and its directory removed) after it. Statements go through the {@code mariadb}
 * client over the server's Unix socket as root, so the tests need no JDBC driver of their own.
 *
 * <p>MariaDB is not an officially supported source of Flink CDC 3.2: it works through binlog file
 * and position (MariaDB has no MySQL GTIDs). The class fails with a clear message when the binaries
 * are missing ({@code .ci/run} installs {@code mariadb-server}).
 */
public final class MariaDbExtension implements BeforeAllCallback, AfterAllCallback {
  public static final String DATABASE = "app";
  public static final String USER = "cdc";
  public static final String PASSWORD = "cdc-secret-1";
  private static final Path MARIADBD = Path.of("/usr/sbin/mariadbd");
  private static final Path INSTALL_DB = Path.of("/usr/bin/mariadb-install-db");
  private static final Path CLIENT = Path.of("/usr/bin/mariadb");
  private static final Duration START_TIMEOUT = Duration.ofMinutes(2);

  private Path dir;
  private int port;
  private Process server;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    stop();
  }

  public synchronized void start() throws Exception {
    for (Path binary : List.of(MARIADBD, INSTALL_DB, CLIENT)) {
      if (!Files.isExecutable(binary)) {
        throw new IllegalStateException(
            binary + " is missing: install Debian's mariadb-server (.ci/run does)");
      }
    }
    dir = Files.createTempDirectory("cdc-mariadb-");
    Path data = Files.createDirectories(dir.resolve("data"));
    String user = System.getProperty("user.name");
    run(
        List.of(
            INSTALL_DB.toString(),
            "--no-defaults",
            "--user=" + user,
            "--datadir=" + data,
            "--auth-root-authentication-method=normal",
            "--skip-test-db"),
        Duration.ofMinutes(2));
    port = freePort();
    List<String> cmd =
        List.of(
            MARIADBD.toString(),
            "--no-defaults",
            "--user=" + user,
            "--datadir=" + data,
            "--socket=" + socket(),
            "--pid-file=" + dir.resolve("mariadb.pid"),
            "--bind-address=127.0.0.1",
            "--port=" + port,
            "--log-error=" + dir.resolve("error.log"),
            "--log-bin=" + dir.resolve("binlog"),
            "--binlog-format=ROW",
            "--binlog-row-image=FULL",
            "--server-id=1",
            "--innodb-buffer-pool-size=32M",
            "--performance-schema=OFF",
            "--skip-name-resolve");
    server =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("stdout.log").toFile())
            .start();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (true) {
      if (!server.isAlive()) {
        throw new IllegalStateException(
            "mariadbd ended at start: " + tail(dir.resolve("error.log")));
      }
      if (Files.exists(socket())
          && tryRun(
              List.of(
                  CLIENT.toString(),
                  "--no-defaults",
                  "--socket=" + socket(),
                  "-uroot",
                  "-e",
                  "SELECT 1"))) {
        break;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "mariadbd did not answer within "
                + START_TIMEOUT
                + ": "
                + tail(dir.resolve("error.log")));
      }
      Thread.sleep(200);
    }
    sql(
        "CREATE DATABASE "
            + DATABASE
            + ";"
            + "CREATE USER '"
            + USER
            + "'@'127.0.0.1' IDENTIFIED BY '"
            + PASSWORD
            + "';"
            + "CREATE USER '"
            + USER
            + "'@'localhost' IDENTIFIED BY '"
            + PASSWORD
            + "';"
            + "GRANT SELECT, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '"
            + USER
            + "'@'127.0.0.1';"
            + "GRANT SELECT, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '"
            + USER
            + "'@'localhost';");
  }

  public synchronized void stop() throws Exception {
    if (server != null) {
      server.destroy(); // SIGTERM: a clean shutdown
      if (!server.waitFor(60, TimeUnit.SECONDS)) {
        server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      server = null;
    }
    if (dir != null) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
      dir = null;
    }
  }

  public int port() {
    return port;
  }

  /**
   * Runs SQL as root in {@link #DATABASE} (statements separated by {@code ;}); answers the client's
   * tab-separated output.
   */
  public String sql(String statements) throws Exception {
    return run(
        List.of(
            CLIENT.toString(),
            "--no-defaults",
            "--socket=" + socket(),
            "-uroot",
            "--batch",
            "--skip-column-names",
            "-e",
            statements,
            databaseOrMysql()),
        Duration.ofMinutes(1));
  }

  /** A Flink CDC {@code source:} block for this server: the MySQL connector on the given tables. */
  public String sourceYaml(String tables, int serverId) {
    return """
        source:
          type: mysql
          hostname: 127.0.0.1
          port: %d
          username: %s
          password: %s
          tables: %s
          server-id: "%d"
          server-time-zone: UTC
        """
        .formatted(port, USER, PASSWORD, tables, serverId);
  }

  private String databaseOrMysql() {
    // the database exists once start() created it; before that (the CREATE itself) the client uses
    // "mysql"
    return Files.exists(dir.resolve("data").resolve(DATABASE)) ? DATABASE : "mysql";
  }

  private Path socket() {
    return dir.resolve("mariadb.sock");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static boolean tryRun(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
  }

  private static String run(List<String> cmd, Duration timeout) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(cmd.get(0) + " did not end within " + timeout);
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(cmd.get(0) + " failed (" + p.exitValue() + "): " + out);
    }
    return out;
  }

  private static String tail(Path file) {
    try {
      List<String> lines = Files.exists(file) ? Files.readAllLines(file) : new ArrayList<>();
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
