package io.cdcconsole.test;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

/**
 * The real PostgreSQL the tests run against, one server per test JVM and a fresh database per
 * caller: {@code CDC_TEST_PG_URL} (with {@code CDC_TEST_PG_USER}/{@code CDC_TEST_PG_PASSWORD}) when
 * set, else a Testcontainers PostgreSQL when a Docker engine answers, else the embedded PostgreSQL.
 */
public final class TestDatabase {
  /** Where a fresh database is: a JDBC URL plus credentials. */
  public record Db(String url, String user, String password) {}

  private record Server(String baseUrl, String user, String password) {}

  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static Server server;

  private TestDatabase() {}

  public static synchronized Db create() {
    Server s = server();
    String name = "cdc_test_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    try (Connection c =
            DriverManager.getConnection(s.baseUrl() + "postgres", s.user(), s.password());
        Statement st = c.createStatement()) {
      st.execute("create database " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database: " + e.getMessage(), e);
    }
    return new Db(s.baseUrl() + name, s.user(), s.password());
  }

  /** Which kind of server the tests use, for the test report. */
  public static synchronized String kind() {
    Server s = server();
    return s.baseUrl();
  }

  private static Server server() {
    if (server != null) {
      return server;
    }
    String external = System.getenv("CDC_TEST_PG_URL");
    if (external != null && !external.isBlank()) {
      // e.g. jdbc:postgresql://127.0.0.1:5432/ : databases are created next to the one named
      String base = external.substring(0, external.lastIndexOf('/') + 1);
      server =
          new Server(base, env("CDC_TEST_PG_USER", "postgres"), env("CDC_TEST_PG_PASSWORD", ""));
    } else if (dockerAvailable()) {
      PostgreSQLContainer<?> container = new PostgreSQLContainer<>("postgres:16-alpine");
      container.start();
      Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
      server =
          new Server(
              "jdbc:postgresql://"
                  + container.getHost()
                  + ":"
                  + container.getFirstMappedPort()
                  + "/",
              container.getUsername(),
              container.getPassword());
    } else {
      try {
        EmbeddedPostgres pg =
            EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1").start();
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(
                    () -> {
                      try {
                        pg.close();
                      } catch (Exception ignored) {
                        // the JVM is going away
                      }
                    }));
        server = new Server("jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/", "postgres", "");
      } catch (Exception e) {
        throw new IllegalStateException("cannot start the embedded PostgreSQL for tests", e);
      }
    }
    return server;
  }

  public static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (Throwable e) {
      return false;
    }
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null ? fallback : v;
  }
}
