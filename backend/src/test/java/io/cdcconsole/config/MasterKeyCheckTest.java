package io.cdcconsole.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.test.TestConsole;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A database set up under one master key refuses to serve under another: the start fails, saying
 * so.
 */
@ExtendWith(VertxExtension.class)
class MasterKeyCheckTest {

  @Test
  void anotherMasterKeyOnTheSameDatabaseStopsTheStart(Vertx vertx) throws Exception {
    Map<String, String> env = TestConsole.defaultEnv();
    String originalKey = env.get(MasterKey.ENV);
    try (TestConsole console = TestConsole.start(vertx, env)) {
      assertEquals(200, console.http().get("/ready", null).status());
    }
    Map<String, String> wrong = new HashMap<>(env);
    wrong.put(MasterKey.ENV, "not-the-master-key-this-database-knows-at-all");
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> TestConsole.start(vertx, wrong));
    assertTrue(
        e.getMessage().contains("master key is not the one this database was set up with"),
        e.getMessage());

    Map<String, String> right = new HashMap<>(env);
    right.put(MasterKey.ENV, originalKey);
    try (TestConsole console = TestConsole.start(vertx, right)) {
      assertEquals(200, console.http().get("/ready", null).status());
    }
  }
}
