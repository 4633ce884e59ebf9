package io.cdcconsole.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.Sse;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Connections that say nothing are closed after {@code http.idleTimeout} (security review M10),
 * while an event stream, kept busy by its keep-alives, stays open across many such periods.
 */
@ConsoleTest.Env({
  "CDC_CONSOLE_HTTP_IDLE_TIMEOUT=2s",
  "CDC_CONSOLE_EVENTS_KEEP_ALIVE=500ms",
  "CDC_CONSOLE_CLUSTER_HEALTH_INTERVAL=500ms"
})
class IdleTimeoutTest extends ConsoleTest {

  @Test
  void anIdleConnectionIsClosedWhileAnEventStreamStaysOpen() throws Exception {
    int port = console.app().port();
    try (Sse stream = Sse.open(port, admin, null)) {
      assertEquals(200, stream.status());
      // two idle connections in a row, each closed by the server: the stream has outlived two idle
      // timeouts
      for (int i = 0; i < 2; i++) {
        try (Socket idle = new Socket("127.0.0.1", port)) {
          idle.setSoTimeout(120_000);
          assertTrue(closedByServer(idle), "the server closes a connection that sends nothing");
        }
      }
      // still open and live: a new cluster's health reaches it
      assertEquals(
          201,
          http.post(
                  "/api/v1/clusters",
                  admin,
                  new JsonObject()
                      .put("name", "c-idle")
                      .put("restUrl", "http://127.0.0.1:1")
                      .put("cdc", new JsonObject().put("mode", "provided").put("version", "3.2.0")))
              .status());
      Optional<Sse.Event> event = stream.next();
      assertTrue(event.isPresent(), "the stream was closed");
      assertEquals("cluster.health", event.get().name());
    }
  }

  private static boolean closedByServer(Socket socket) throws IOException {
    try {
      return socket.getInputStream().read() == -1;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return "Connection reset".equals(e.getMessage());
    }
  }
}
