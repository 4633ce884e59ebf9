package io.cdcconsole.test;

import io.vertx.core.Vertx;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
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
