package io.cdcconsole.test;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;

/**
 * Base of the API tests: one real console per test class (fresh home and database), an HTTP client
 * for it and an admin session. {@link Env} on the test class adds environment settings, as an
 * operator would.
 */
public abstract class ConsoleTest {
  /**
   * Extra {@code NAME=value} environment settings for the console of this test class (inherited; a
   * subclass's own replaces it).
   */
  @java.lang.annotation.Inherited
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.TYPE)
  public @interface Env {
    String[] value();
  }

  protected static TestConsole console;
  protected static Http http;
  protected static String admin;
  private static Vertx vertx;

  @BeforeAll
  static void startConsole(TestInfo info) {
    Map<String, String> env = TestConsole.defaultEnv();
    Env extra = info.getTestClass().orElseThrow().getAnnotation(Env.class);
    if (extra != null) {
      for (String setting : extra.value()) {
        String[] kv = setting.split("=", 2);
        env.put(kv[0], kv[1]);
      }
    }
    vertx = Vertx.vertx();
    console = TestConsole.start(vertx, env);
    http = console.http();
    admin = console.adminToken();
  }

  /** The Vert.x the console runs on: a test may publish on its event bus as a watcher would. */
  protected static Vertx consoleVertx() {
    return vertx;
  }

  /**
   * A cluster at a free loopback port nobody listens on, for tests that need a cluster row and no
   * Flink; answers its id.
   */
  protected static long unreachableCluster(String name) throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    return registeredCluster(name, "http://127.0.0.1:" + port);
  }

  /** A cluster registered at {@code restUrl} with Flink CDC 3.2.0 provided; answers its id. */
  protected static long registeredCluster(String name, String restUrl) {
    Http.Response created =
        http.post(
            "/api/v1/clusters",
            admin,
            new JsonObject()
                .put("name", name)
                .put("restUrl", restUrl)
                .put("cdc", new JsonObject().put("mode", "provided").put("version", "3.2.0")));
    assertEquals(201, created.status(), created.body());
    return created.json().getLong("id");
  }

  /** A pipeline of the smallest valid YAML (values source, values sink) on the cluster; its id. */
  protected static long valuesPipeline(String name, long clusterId) {
    Http.Response created =
        http.post(
            "/api/v1/pipelines",
            admin,
            new JsonObject()
                .put("name", name)
                .put("clusterId", clusterId)
                .put("yaml", "source:\n  type: values\nsink:\n  type: values\n"));
    assertEquals(201, created.status(), created.body());
    return created.json().getLong("id");
  }

  @AfterAll
  static void stopConsole() throws Exception {
    try {
      if (console != null) {
        console.close();
      }
    } finally {
      console = null;
      TestConsole.await(vertx.close());
    }
  }
}
