package io.cdcconsole.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import io.cdcconsole.config.LogFormat;
import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.Http;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Every answer has a request id; problem answers and their log lines name it; /metrics is off
 * without its settings.
 */
class RequestIdTest extends ConsoleTest {

  @Test
  void aProblemAnswerCarriesTheRequestIdOfItsHeader() {
    Http.Response r = http.get("/api/v1/pipelines/424242", admin);
    assertEquals(404, r.status());
    String id = r.header("X-Request-Id");
    UUID.fromString(id);
    assertEquals(id, r.json().getString("requestId"));
    assertNotEquals(
        id,
        http.get("/api/v1/pipelines/424242", admin).header("X-Request-Id"),
        "one id per request");
  }

  @Test
  void aSaneIncomingRequestIdIsKeptAnAbsurdOneReplaced() {
    Http.Response kept =
        http.send(
            "GET",
            "/api/v1/pipelines",
            admin,
            null,
            null,
            Map.of("X-Request-Id", "lb-7f3a.42:edge"));
    assertEquals(200, kept.status());
    assertEquals("lb-7f3a.42:edge", kept.header("X-Request-Id"));
    Http.Response replaced =
        http.send(
            "GET",
            "/api/v1/nothing-here",
            admin,
            null,
            null,
            Map.of("X-Request-Id", "x".repeat(300)));
    assertEquals(404, replaced.status());
    UUID.fromString(replaced.header("X-Request-Id"));
    assertEquals(replaced.header("X-Request-Id"), replaced.json().getString("requestId"));
  }

  @Test
  void withoutTokenOrPortMetricsAre404() {
    Http.Response r = http.get("/metrics", "any-token-at-all-0123456789");
    assertEquals(404, r.status());
    assertEquals(r.header("X-Request-Id"), r.json().getString("requestId"));
  }

  @Test
  void jsonLogLinesParseAndCarryTheRequestId() throws Exception {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger logger = context.getLogger(FailureHandler.class);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    appender.setContext(context);
    appender.setEncoder(LogFormat.jsonEncoder(context));
    appender.setOutputStream(out);
    appender.start();
    Level level = logger.getLevel();
    logger.setLevel(Level.DEBUG);
    logger.addAppender(appender);
    Http.Response r;
    try {
      r = http.get("/api/v1/clusters/31337", admin);
    } finally {
      logger.detachAppender(appender);
      logger.setLevel(level);
      appender.stop();
    }
    assertEquals(404, r.status());
    String requestId = r.header("X-Request-Id");
    List<String> lines =
        Arrays.stream(out.toString(StandardCharsets.UTF_8).split("\n"))
            .filter(l -> !l.isBlank())
            .toList();
    assertTrue(!lines.isEmpty(), "the 404 was logged");
    JsonObject line =
        lines.stream()
            .map(JsonObject::new)
            .filter(
                json -> json.getString("formattedMessage", "").contains("/api/v1/clusters/31337"))
            .findFirst()
            .orElseThrow(() -> new AssertionError(lines.toString()));
    assertEquals("DEBUG", line.getString("level"));
    assertTrue(
        line.getJsonArray("kvpList").stream()
            .anyMatch(kv -> requestId.equals(((JsonObject) kv).getString("requestId"))),
        line.encode());
  }
}
