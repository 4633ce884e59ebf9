package io.cdcconsole.store;

import io.cdcconsole.config.ConfigException;
import io.cdcconsole.config.ConsoleConfig;
import io.cdcconsole.config.KeyFiles;
import io.cdcconsole.config.Secret;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Postgres store: the embedded server when no {@code database.url} is configured, else the
 * external one. Start-up (embedded server, Flyway over JDBC) runs on a worker thread; request-time
 * access goes through {@link #pool()}.
 */
public final class Database {
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);

  /**
   * How often the embedded server's postmaster is looked at: one that died (killed, OOM) is started
   * again.
   */
  private static final long EMBEDDED_CHECK_MS = 5_000;

  private final Vertx vertx;
  private final Pool pool;
  private final PgConnectOptions options;
  private volatile Embedded embedded;
  private volatile boolean restarting;
  private long supervisor = -1;

  private Database(Vertx vertx, Pool pool, PgConnectOptions options, Embedded embedded) {
    this.vertx = vertx;
    this.pool = pool;
    this.options = options;
    this.embedded = embedded;
  }

  /** Where to connect, resolved once the server is known to be up. */
  private record Target(
      String jdbcUrl, PgConnectOptions options, Embedded embedded, String password) {}

  /** The embedded server with this console's claim on its data directory and its watchdog. */
  private record Embedded(
      EmbeddedPostgres server,
      EmbeddedDataDirectory claim,
      Optional<Process> watchdog,
      Path home,
      Path dataDir,
      String password,
      long postmaster) {
    void close() {
      try {
        stopServer();
      } finally {
        claim.close();
      }
    }

    void stopServer() {
      try {
        server.close();
      } catch (IOException | RuntimeException e) {
        LOG.warn("Stopping the embedded PostgreSQL failed: {}", e.getMessage());
      } finally {
        watchdog.ifPresent(Process::destroy);
      }
    }

    boolean alive() {
      return ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false);
    }
  }

  public static Future<Database> open(Vertx vertx, ConsoleConfig config) {
    return vertx
        .executeBlocking(
            () ->
                config.database().embedded()
                    ? startEmbedded(config.home())
                    : external(config.database()),
            false)
        .compose(
            target -> {
              Pool pool =
                  PgBuilder.pool()
                      .with(new PoolOptions().setMaxSize(config.database().poolSize()))
                      // statements are parsed and planned once per connection, not on every
                      // execution: the pipeline list's plan costs PostgreSQL more than running it
                      .connectingTo(target.options().setCachePreparedStatements(true))
                      .using(vertx)
                      .build();
              // the pool's first connection (loading the client, the SCRAM exchange) is made while
              // Flyway works: made after it, it held up every start by 0.4 s (docs/benchmarks.md);
              // the pool keeps it, and a failure here is Flyway's to report
              pool.getConnection()
                  .compose(SqlConnection::close)
                  .onFailure(err -> LOG.debug("Pool warm-up: {}", err.toString()));
              return vertx
                  .executeBlocking(
                      () -> {
                        try {
                          migrate(target, config.database());
                        } catch (RuntimeException e) {
                          closeQuietly(target.embedded());
                          throw e;
                        }
                        return target;
                      },
                      false)
                  .onFailure(err -> pool.close())
                  .map(
                      migrated -> {
                        Database db =
                            new Database(vertx, pool, target.options(), target.embedded());
                        if (target.embedded() != null) {
                          db.supervisor =
                              vertx.setPeriodic(
                                  EMBEDDED_CHECK_MS, id -> db.restartEmbeddedIfDead());
                        }
                        return db;
                      });
            });
  }

  /**
   * The embedded postmaster died under the console (killed, OOM): start it again on the same port
   * and data directory, which this console still claims, so the pool reconnects by itself. Until
   * then requests answer 503.
   */
  private void restartEmbeddedIfDead() {
    Embedded current = embedded;
    if (restarting || current == null || current.alive()) {
      return;
    }
    restarting = true;
    LOG.warn("The embedded PostgreSQL (pid {}) is gone: starting it again", current.postmaster());
    vertx
        .executeBlocking(
            () -> {
              current.stopServer();
              int port = current.server().getPort();
              EmbeddedPostgres pg =
                  startServer(current.home(), current.dataDir(), current.password(), port);
              return new Embedded(
                  pg,
                  current.claim(),
                  PostmasterWatchdog.start(current.dataDir()),
                  current.home(),
                  current.dataDir(),
                  current.password(),
                  postmasterPid(current.dataDir()));
            },
            false)
        .onComplete(
            ar -> {
              restarting = false;
              if (ar.succeeded()) {
                embedded = ar.result();
                LOG.info(
                    "Embedded PostgreSQL is up again on 127.0.0.1:{}",
                    ar.result().server().getPort());
              } else {
                LOG.error(
                    "Could not start the embedded PostgreSQL again (next try in {} ms): {}",
                    EMBEDDED_CHECK_MS,
                    ar.cause().getMessage());
              }
            });
  }

  public Pool pool() {
    return pool;
  }

  /**
   * Where the pool connects, for a connection of its own outside the pool (the event fan-out's
   * {@code LISTEN}); the embedded server comes back on the same port after a restart.
   */
  public PgConnectOptions connectOptions() {
    return new PgConnectOptions(options);
  }

  public boolean embedded() {
    return embedded != null;
  }

  /** True when the server answers a trivial query within a few seconds. */
  public Future<Boolean> ping() {
    return pool.query("select 1")
        .execute()
        .timeout(3, TimeUnit.SECONDS)
        .map(rows -> true)
        .otherwise(false);
  }

  public Future<Void> close() {
    vertx.cancelTimer(supervisor);
    Embedded embedded = this.embedded;
    return pool.close()
        .eventually(
            () ->
                embedded == null
                    ? Future.succeededFuture()
                    : vertx.executeBlocking(
                        () -> {
                          closeQuietly(embedded);
                          return null;
                        },
                        false));
  }

  private static Target startEmbedded(Path home) throws IOException, ConfigException, SQLException {
    Path dataDir = home.resolve("postgres");
    Files.createDirectories(dataDir);
    EmbeddedDataDirectory claim = EmbeddedDataDirectory.claim(home, dataDir);
    try {
      return startEmbedded(home, dataDir, claim);
    } catch (IOException | ConfigException | SQLException | RuntimeException e) {
      claim.close();
      throw e;
    }
  }

  private static Target startEmbedded(Path home, Path dataDir, EmbeddedDataDirectory claim)
      throws IOException, ConfigException, SQLException {
    LOG.info(
        "No database.url configured: starting the embedded PostgreSQL with its data in {}. "
            + "For production set CDC_CONSOLE_DB_URL, CDC_CONSOLE_DB_USER and CDC_CONSOLE_DB_PASSWORD "
            + "(or database.url/user/password in cdc-console.yaml) to use your own PostgreSQL server.",
        dataDir);
    String password =
        KeyFiles.readOrCreate(home.resolve("conf").resolve("db.password"), 24).value();
    EmbeddedPostgres pg = startServer(home, dataDir, password, 0);
    Embedded embedded =
        new Embedded(
            pg,
            claim,
            PostmasterWatchdog.start(dataDir),
            home,
            dataDir,
            password,
            postmasterPid(dataDir));
    try {
      String jdbcUrl = "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres";
      requirePassword(pg, jdbcUrl, password);
      PgConnectOptions options =
          new PgConnectOptions()
              .setHost("127.0.0.1")
              .setPort(pg.getPort())
              .setDatabase("postgres")
              .setUser("postgres")
              .setPassword(password);
      LOG.info("Embedded PostgreSQL is up on 127.0.0.1:{}", pg.getPort());
      return new Target(jdbcUrl, options, embedded, password);
    } catch (IOException | SQLException | RuntimeException e) {
      embedded.close();
      throw e;
    }
  }

  /** The postmaster's pid, the first line of {@code postmaster.pid}; -1 when it cannot be read. */
  private static long postmasterPid(Path dataDir) {
    try {
      return Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Starts the server on the data directory; {@code port} 0 picks a free one. */
  private static EmbeddedPostgres startServer(Path home, Path dataDir, String password, int port)
      throws IOException, ConfigException {
    try {
      EmbeddedPostgres.Builder builder =
          EmbeddedPostgres.builder()
              .setDataDirectory(dataDir)
              .setCleanDataDirectory(false)
              // the server binaries unpack into the home, not a shared and world-writable /tmp
              .setOverrideWorkingDirectory(home.resolve("postgres-bin").toFile())
              .setServerConfig("listen_addresses", "127.0.0.1")
              // the library's test defaults trade durability for speed; this is the console's real
              // data
              .setServerConfig("fsync", "on")
              .setServerConfig("synchronous_commit", "on")
              .setServerConfig("full_page_writes", "on")
              // a new cluster is made with password authentication from the start (initdb's own -A
              // trust is overridden:
              // the library adds these after it), so no local user can connect in the moment before
              // requirePassword
              .setLocaleConfig("auth", "scram-sha-256")
              .setLocaleConfig("pwfile", home.resolve("conf").resolve("db.password").toString())
              .setConnectConfig("password", password);
      if (port > 0) {
        builder.setPort(port);
      }
      return builder.start();
    } catch (IOException e) {
      if (String.valueOf(e.getMessage()).contains("could not lock")) {
        throw new ConfigException(
            "another process is using the embedded database in "
                + dataDir
                + "; stop it or give this console its own CDC_CONSOLE_HOME");
      }
      throw e;
    }
  }

  /**
   * Give the superuser the console's own password and require it, so that no other local user can
   * connect without it. A cluster made by this version already requires it from initdb on; this
   * converts data directories made with {@code trust} by earlier versions. Idempotent: runs at
   * every start.
   */
  private static void requirePassword(EmbeddedPostgres pg, String jdbcUrl, String password)
      throws IOException, SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", password);
        Statement st = c.createStatement()) {
      st.execute("alter user postgres with password '" + password.replace("'", "''") + "'");
      Path hba = Path.of(query(st, "show hba_file"));
      String current = Files.readString(hba);
      String required =
          current
              .lines()
              .map(
                  line ->
                      line.startsWith("#") || line.isBlank()
                          ? line
                          : line.replaceAll("\\btrust\\b", "scram-sha-256"))
              .collect(Collectors.joining("\n", "", "\n"));
      if (!required.equals(current)) {
        Files.writeString(hba, required);
        query(st, "select pg_reload_conf()");
        LOG.info(
            "The embedded PostgreSQL now requires the password kept in $CDC_CONSOLE_HOME/conf/db.password");
      }
    }
  }

  private static String query(Statement st, String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static Target external(ConsoleConfig.Database db) {
    String url = db.url().orElseThrow();
    String jdbcUrl =
        url.startsWith("jdbc:") ? url : "jdbc:" + url.replaceFirst("^postgres://", "postgresql://");
    PgConnectOptions options =
        PgConnectOptions.fromUri(jdbcUrl.substring("jdbc:".length())).setUser(db.user());
    db.password().map(Secret::value).ifPresent(options::setPassword);
    LOG.info(
        "Using PostgreSQL at {}:{}/{}",
        options.getHost(),
        options.getPort(),
        options.getDatabase());
    return new Target(jdbcUrl, options, null, db.password().map(Secret::value).orElse(null));
  }

  private static void migrate(Target target, ConsoleConfig.Database db) {
    String user = target.embedded() != null ? "postgres" : db.user();
    MigrateResult result =
        Flyway.configure()
            .dataSource(target.jdbcUrl(), user, target.password())
            .locations("classpath:db/migration")
            // SQL here may mention ${...} (pipeline YAML syntax): never treat it as a Flyway
            // placeholder
            .placeholderReplacement(false)
            .load()
            .migrate();
    LOG.info(
        "Database schema at version {} ({} migration(s) applied now)",
        result.targetSchemaVersion != null
            ? result.targetSchemaVersion
            : result.initialSchemaVersion,
        result.migrationsExecuted);
  }

  private static void closeQuietly(Embedded embedded) {
    if (embedded != null) {
      embedded.close();
    }
  }
}
