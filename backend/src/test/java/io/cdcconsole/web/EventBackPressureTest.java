package io.cdcconsole.web;

import static io.cdcconsole.test.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.cluster.ClusterHealth;
import io.cdcconsole.cluster.ClusterHealthWatcher;
import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.LogCapture;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /events} honours back-pressure: a client that stops reading is dropped once its write
 * queue is full, not buffered for without bound, and the other streams go on. Both clients are
 * plain sockets, so nothing reads on behalf of the stalled one.
 */
@ConsoleTest.Env("CDC_CONSOLE_METRICS_TOKEN=" + EventBackPressureTest.METRICS_TOKEN)
class EventBackPressureTest extends ConsoleTest {
  static final String METRICS_TOKEN = "metrics-token-for-back-pressure";
  private static final int EVENT_BYTES = 16 * 1024;
  private static final int BATCH = 50;

  /** Far more than the socket buffers and Netty's high-water mark hold (about 4 MiB here). */
  private static final long BOUND = 128L * 1024 * 1024;

  @Test
  void aClientThatStopsReadingIsDroppedWhileAReadingOneGetsEveryEvent() throws Exception {
    try (LogCapture log = LogCapture.attach();
        Socket stalled = openStream(4096);
        Socket reading = openStream(0)) {
      AtomicLong readBytes = new AtomicLong();
      AtomicBoolean sawMarker = new AtomicBoolean();
      Thread reader = new Thread(() -> drain(reading, readBytes, sawMarker), "sse-reader");
      reader.setDaemon(true);
      reader.start();

      String padding = "x".repeat(EVENT_BYTES);
      long published = 0;
      while (!log.text().contains("dropped: the client does not read")) {
        assertTrue(published < BOUND, "no stream was dropped after " + published + " bytes");
        published += publishBatch(padding, readBytes, published);
      }
      // as much again twice over: none of it may be held for the stalled client
      long atDrop = published;
      while (published < 3 * atDrop) {
        published += publishBatch(padding, readBytes, published);
      }

      // the stalled client finds its stream ended after what the buffers held before the drop
      long stalledBytes = readToEnd(stalled);
      assertTrue(
          stalledBytes < published / 2,
          "the stalled client got "
              + stalledBytes
              + " bytes; "
              + atDrop
              + " were sent before it was dropped, "
              + published
              + " in all");

      // the other stream is still served
      consoleVertx().eventBus().publish(ClusterHealthWatcher.ADDRESS, event("marker-after-drop"));
      eventually(sawMarker::get, saw -> saw);
      assertTrue(reader.isAlive(), "the reading client's stream is still open");
      assertTrue(
          http.get("/metrics", METRICS_TOKEN)
              .body()
              .contains("cdc_event_streams_dropped_total 1.0"),
          "the drop is counted");
    }
  }

  /** Publishes a batch and waits for the reading client to have it all: it keeps up. */
  private static long publishBatch(String padding, AtomicLong readBytes, long before)
      throws Exception {
    for (int i = 0; i < BATCH; i++) {
      consoleVertx().eventBus().publish(ClusterHealthWatcher.ADDRESS, event(padding));
    }
    long sent = (long) BATCH * EVENT_BYTES;
    eventually(readBytes::get, n -> n >= before + sent);
    return sent;
  }

  private static JsonObject event(String name) {
    return new JsonObject()
        .put("clusterId", 1L)
        .put("name", name)
        .put("status", "UNREACHABLE")
        .put("previous", "HEALTHY")
        .put("health", ClusterHealth.UNKNOWN.toJson());
  }

  /** {@code receiveBuffer} 0: the system's default. Returns once the stream is open. */
  private Socket openStream(int receiveBuffer) throws IOException {
    Socket socket = new Socket();
    if (receiveBuffer > 0) {
      socket.setReceiveBufferSize(receiveBuffer);
    }
    socket.connect(new InetSocketAddress("127.0.0.1", console.app().port()), 10_000);
    socket.setSoTimeout(120_000);
    OutputStream out = socket.getOutputStream();
    out.write(
        ("GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                + admin
                + "\r\nAccept: text/event-stream\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().contains(": connected")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("the stream ended before it opened: " + head);
      }
      head.append((char) b);
    }
    assertTrue(head.toString().startsWith("HTTP/1.1 200"), head.toString());
    return socket;
  }

  private static void drain(Socket socket, AtomicLong bytes, AtomicBoolean sawMarker) {
    byte[] buffer = new byte[64 * 1024];
    String tail = "";
    try {
      InputStream in = socket.getInputStream();
      for (int n; (n = in.read(buffer)) >= 0; ) {
        bytes.addAndGet(n);
        String text = tail + new String(buffer, 0, n, StandardCharsets.US_ASCII);
        if (text.contains("marker-after-drop")) {
          sawMarker.set(true);
        }
        tail = text.substring(Math.max(0, text.length() - 32));
      }
    } catch (IOException e) {
      // closed by the test
    }
  }

  /** Everything still buffered for the socket, until the server's close (or reset) ends it. */
  private static long readToEnd(Socket socket) {
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
    try {
      InputStream in = socket.getInputStream();
      for (int n; (n = in.read(buffer)) >= 0; ) {
        total += n;
      }
    } catch (java.net.SocketTimeoutException e) {
      throw new AssertionError("the stalled stream was not closed by the server", e);
    } catch (IOException e) {
      // a reset ends it too
    }
    return total;
  }
}
