package io.cdcconsole.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cdcconsole.access.Role;
import io.cdcconsole.config.ConfigLoader;
import io.cdcconsole.config.ConsoleConfig;
import io.cdcconsole.error.Unauthorized;
import io.cdcconsole.test.FakeClock;
import io.cdcconsole.test.TestConsole;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A verified session token is remembered, not checked again per request: what is remembered must
 * still end when the token expires, and a token with the same claims but another signature must not
 * ride on it.
 */
class JwtSessionsTest {
  private final FakeClock clock = new FakeClock(Instant.now());
  private Vertx vertx;
  private JwtSessions sessions;

  @BeforeEach
  void create() throws Exception {
    vertx = Vertx.vertx();
    ConsoleConfig config =
        ConfigLoader.load(
                Optional.empty(),
                Map.of(
                    "CDC_CONSOLE_HOME",
                    TestConsole.newHome().toString(),
                    "CDC_CONSOLE_TOKEN_LIFETIME",
                    "10m"))
            .config();
    sessions = TestConsole.await(JwtSessions.create(vertx, config, clock));
  }

  @AfterEach
  void close() throws Exception {
    TestConsole.await(vertx.close());
  }

  @Test
  void aRememberedTokenStillExpires() throws Exception {
    User user = new User(7, "ops", Role.OPERATOR, false, 3, null, null);
    String token = sessions.issue(user).token();

    assertEquals(new JwtSessions.Claims(7, 3), TestConsole.await(sessions.verify(token)));
    clock.advance(Duration.ofMinutes(9));
    assertEquals(
        new JwtSessions.Claims(7, 3),
        TestConsole.await(sessions.verify(token)),
        "remembered, and still good a minute before its end");

    clock.advance(Duration.ofMinutes(1).plusSeconds(6)); // past exp and the 5 s leeway
    assertRefused(sessions.verify(token), "remembered, but expired");
    assertRefused(sessions.verify(token), "expired, and forgotten");
  }

  @Test
  void aTokenWithAnotherSignatureIsCheckedOnItsOwn() throws Exception {
    User user = new User(8, "dev", Role.OPERATOR, false, 1, null, null);
    String token = sessions.issue(user).token();
    TestConsole.await(sessions.verify(token));

    String forged =
        token.substring(0, token.lastIndexOf('.') + 1)
            + "AAAA"
            + token.substring(token.lastIndexOf('.') + 5);
    assertRefused(sessions.verify(forged), "same header and claims, another signature");
    assertEquals(new JwtSessions.Claims(8, 1), TestConsole.await(sessions.verify(token)));
  }

  private static void assertRefused(Future<JwtSessions.Claims> verified, String what) {
    ExecutionException error =
        assertThrows(ExecutionException.class, () -> TestConsole.await(verified), what);
    assertInstanceOf(Unauthorized.class, error.getCause(), what);
  }
}
