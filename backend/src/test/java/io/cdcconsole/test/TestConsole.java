package io.cdcconsole.test;

import io.cdcconsole.ConsoleApp;
import io.cdcconsole.config.ConfigLoader;
import io.cdcconsole.config.ConsoleConfig;
import io.cdcconsole.config.MasterKey;
import io.cdcconsole.config.Setting;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real console for a test class: its own home directory, a fresh database on the test PostgreSQL
 * (or the console's own embedded one), listening on a random port of 127.0.0.1. Started through the
 * same {@link ConfigLoader} and {@link ConsoleApp} as {@code java -jar}.
 */
public final class TestConsole implements AutoCloseable {
  public static final String ADMIN_PASSWORD = "admin-Secret-4711";

  private final Vertx vertx;
  private final Map<String, String> env;
  private final ConsoleConfig config;
  private ConsoleApp app;
  private Http http;

  private TestConsole(Vertx vertx, Map<String, String> env, ConsoleConfig config, ConsoleApp app) {
    this.vertx = vertx;
    this.env = env;
    this.config = config;
    this.app = app;
    this.http = new Http(app.port());
  }

  /**
   * Environment for a console with a fresh home and a fresh database on the shared test server. The
   * master key and the JWT signing secret are given explicitly (random per call), not left to files
   * in the home, so that {@link #replicaEnv} can share them.
   */
  public static Map<String, String> defaultEnv() {
    Map<String, String> env = embeddedEnv(newHome());
    TestDatabase.Db db = TestDatabase.create();
    env.put("CDC_CONSOLE_DB_URL", db.url());
    env.put("CDC_CONSOLE_DB_USER", db.user());
    env.put("CDC_CONSOLE_DB_PASSWORD", db.password());
    env.put(MasterKey.ENV, randomKey(32));
    env.put(Setting.JWT_SECRET.env(), randomKey(64));
    return env;
  }

  /**
   * The environment of another replica on the same database as {@code env}: a copy with its own
   * fresh home, the same database, master key and JWT signing secret (a session from one replica is
   * valid on the other, and both decrypt the same {@code ENC(...)} values). Where {@code env}
   * leaves the keys to files in its home, they are read from there (its console must have started).
   */
  public static Map<String, String> replicaEnv(Map<String, String> env) {
    if (!env.containsKey("CDC_CONSOLE_DB_URL")) {
      throw new IllegalArgumentException(
          "replicas share an external database: no CDC_CONSOLE_DB_URL");
    }
    Map<String, String> replica = new HashMap<>(env);
    Path conf = Path.of(env.get("CDC_CONSOLE_HOME")).resolve("conf");
    replica.computeIfAbsent(MasterKey.ENV, k -> keyFile(conf.resolve("master.key")));
    replica.computeIfAbsent(Setting.JWT_SECRET.env(), k -> keyFile(conf.resolve("jwt.key")));
    replica.put("CDC_CONSOLE_HOME", newHome().toString());
    return replica;
  }

  private static String randomKey(int bytes) {
    byte[] key = new byte[bytes];
    new SecureRandom().nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  private static String keyFile(Path file) {
    try {
      return Files.readString(file).trim();
    } catch (IOException e) {
      throw new IllegalStateException(
          "no key to share in " + file + " (start the first console)", e);
    }
  }

  /** Environment for a console that runs its own embedded PostgreSQL in {@code home}. */
  public static Map<String, String> embeddedEnv(Path home) {
    Map<String, String> env = new HashMap<>();
    env.put("CDC_CONSOLE_HOME", home.toString());
    env.put("CDC_CONSOLE_HTTP_HOST", "127.0.0.1");
    env.put("CDC_CONSOLE_HTTP_PORT", "0");
    env.put("CDC_CONSOLE_ADMIN_PASSWORD", ADMIN_PASSWORD);
    env.put("CDC_CONSOLE_PASSWORD_HASH_COST", "10");
    // more than one HTTP event loop, as in production: what is shared must hold across them
    env.put("CDC_CONSOLE_HTTP_INSTANCES", "2");
    return env;
  }

  public static Path newHome() {
    try {
      Path work = Path.of(System.getProperty("cdc.test.workdir", "target/test-work"));
      Files.createDirectories(work);
      return Files.createTempDirectory(work, "home-");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static TestConsole start(Vertx vertx) {
    return start(vertx, defaultEnv());
  }

  public static TestConsole start(Vertx vertx, Map<String, String> env) {
    return start(vertx, env, null);
  }

  /**
   * {@code registry}: the one {@code vertx} reports into (built by {@code
   * ConsoleMetrics.vertxBuilder}), or null.
   */
  public static TestConsole start(
      Vertx vertx,
      Map<String, String> env,
      io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry) {
    try {
      ConfigLoader.Loaded loaded = ConfigLoader.load(Optional.empty(), env);
      ConsoleApp app = await(ConsoleApp.start(vertx, loaded.config(), loaded.cipher(), registry));
      return new TestConsole(vertx, env, loaded.config(), app);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the console: " + e.getMessage(), e);
    }
  }

  /** Stops and starts the console again with the same home, database and environment. */
  public void restart() throws Exception {
    await(app.stop());
    ConfigLoader.Loaded loaded = ConfigLoader.load(Optional.empty(), env);
    app = await(ConsoleApp.start(vertx, loaded.config(), loaded.cipher()));
    http = new Http(app.port());
  }

  public Http http() {
    return http;
  }

  public ConsoleApp app() {
    return app;
  }

  public ConsoleConfig config() {
    return config;
  }

  public Map<String, String> env() {
    return env;
  }

  public String adminToken() {
    return http.login("admin", ADMIN_PASSWORD);
  }

  /** Creates a user through the API and answers a session token for it. */
  public String userToken(String username, String role) {
    String admin = adminToken();
    Http.Response r =
        http.post(
            "/api/v1/users",
            admin,
            new JsonObject()
                .put("username", username)
                .put("password", username + "-Pass-123")
                .put("role", role));
    if (r.status() != 201) {
      throw new AssertionError("creating " + username + " failed: " + r.status() + " " + r.body());
    }
    return http.login(username, username + "-Pass-123");
  }

  public static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    await(app.stop());
  }
}
