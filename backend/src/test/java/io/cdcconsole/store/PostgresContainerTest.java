package io.cdcconsole.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cdcconsole.test.TestConsole;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The console on a stock PostgreSQL image, where a Docker engine exists (there is none on the
 * project's own machines, where the other tests use the embedded server or CDC_TEST_PG_URL).
 */
@Testcontainers(disabledWithoutDocker = true)
@ExtendWith(VertxExtension.class)
class PostgresContainerTest {
  @Container
  private static final PostgreSQLContainer<?> POSTGRES =
      new PostgreSQLContainer<>("postgres:16-alpine");

  @Test
  void migratesAndServesOnAStockPostgres(Vertx vertx) throws Exception {
    Map<String, String> env = TestConsole.embeddedEnv(TestConsole.newHome());
    env.put("CDC_CONSOLE_DB_URL", POSTGRES.getJdbcUrl());
    env.put("CDC_CONSOLE_DB_USER", POSTGRES.getUsername());
    env.put("CDC_CONSOLE_DB_PASSWORD", POSTGRES.getPassword());
    try (TestConsole console = TestConsole.start(vertx, env)) {
      assertEquals(200, console.http().get("/ready", null).status());
      assertEquals(
          "admin",
          console.http().get("/api/v1/me", console.adminToken()).json().getString("username"));
    }
  }
}
