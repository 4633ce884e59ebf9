package io.cdcconsole.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.Sse;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code http.headerTimeout} (security review M10): a client that trickles its request headers, a
 * byte at a time so that the idle timeout never runs out, is cut off; a request whose headers came
 * in time is never cut by it, not even an event stream open for many header timeouts.
 */
@ConsoleTest.Env({
  "CDC_CONSOLE_HTTP_HEADER_TIMEOUT=1s",
  "CDC_CONSOLE_HTTP_IDLE_TIMEOUT=60s",
  "CDC_CONSOLE_EVENTS_KEEP_ALIVE=500ms",
  "CDC_CONSOLE_CLUSTER_HEALTH_INTERVAL=500ms"
})
class HeaderTimeoutTest extends ConsoleTest {

  @Test
  void aConnectionTricklingItsHeadersIsClosed() throws Exception {
    int port = console.app().port();
    try (Socket slow = new Socket("127.0.0.1", port)) {
      slow.setSoTimeout(200);
      OutputStream out = slow.getOutputStream();
      out.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
      byte[] trickle =
          "X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
              .getBytes(StandardCharsets.US_ASCII);
      boolean closed = false;
      // one byte every 200 ms for up to 40 s, far below the 60 s idle timeout between bytes
      for (int i = 0; i < trickle.length && !closed; i++) {
        try {
          out.write(trickle[i]);
          out.flush();
          closed = slow.getInputStream().read() == -1;
        } catch (SocketTimeoutException stillOpen) {
          // nothing to read: the server still waits for the headers
        } catch (IOException reset) {
          closed = true;
        }
      }
      assertTrue(
          closed,
          "the server still waits for headers trickled over " + trickle.length * 200 / 1000 + " s");
    }
  }

  @Test
  void anEventStreamOutlivesManyHeaderTimeouts() throws Exception {
    int port = console.app().port();
    try (Sse stream = Sse.open(port, admin, null)) {
      assertEquals(200, stream.status());
      Thread.sleep(3_000);
      assertEquals(
          201,
          http.post(
                  "/api/v1/clusters",
                  admin,
                  new JsonObject()
                      .put("name", "c-headers")
                      .put("restUrl", "http://127.0.0.1:1")
                      .put("cdc", new JsonObject().put("mode", "provided").put("version", "3.2.0")))
              .status());
      Optional<Sse.Event> event;
      do {
        event = stream.next();
      } while (event.isPresent() && !"cluster.health".equals(event.get().name()));
      assertTrue(event.isPresent(), "the stream was closed");
    }
    // and an ordinary request on a fresh connection is answered
    assertEquals(200, http.get("/health", null).status());
  }
}
