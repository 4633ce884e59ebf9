package io.cdcconsole.sandbox.junit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link MariaDbServer} for a test class: started before it in a temporary directory, with a
 * database {@link #DATABASE}; stopped, and its directory removed, after it.
 *
 * <p>MariaDB is not an officially supported source of Flink CDC 3.2: it works through binlog file
 * and position (MariaDB has no MySQL GTIDs). The class fails with a clear message when the binaries
 * are missing ({@code .ci/run} installs {@code mariadb-server}).
 */
public final class MariaDbExtension implements BeforeAllCallback, AfterAllCallback {
  public static final String DATABASE = "app";
  public static final String USER = MariaDbServer.USER;
  public static final String PASSWORD = MariaDbServer.PASSWORD;

  private Path dir;
  private MariaDbServer server;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    stop();
  }

  public synchronized void start() throws Exception {
    MariaDbServer.missing()
        .ifPresent(
            why -> {
              throw new IllegalStateException(why + ": .ci/run installs it");
            });
    dir = Files.createTempDirectory("cdc-mariadb-");
    server = MariaDbServer.start(dir);
    server.sql("CREATE DATABASE " + DATABASE);
  }

  public synchronized void stop() throws Exception {
    if (server != null) {
      server.close();
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
    return server.port();
  }

  /**
   * Runs SQL as root in {@link #DATABASE} (statements separated by {@code ;}); answers the client's
   * tab-separated output.
   */
  public String sql(String statements) {
    return server.sql("USE " + DATABASE + "; " + statements);
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
        .formatted(port(), USER, PASSWORD, tables, serverId);
  }
}
