package io.cdcconsole.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Ticket fetching against a JDK HttpServer on 127.0.0.1. */
class TicketFetcherTest {

  static final String YAML =
      "source:\n  type: values\n  password: Ticket-Secret-1\n  note: \"Grüße 😀\"\nsink:\n  type: values\n";
  static final String ERROR_BODY = "Error-Body-Secret-2 source: password: x";

  HttpServer server;
  ExecutorService executor;
  final AtomicInteger hits = new AtomicInteger();

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    executor = Executors.newCachedThreadPool();
    server.setExecutor(executor);
    server.createContext("/ok/", exchange -> respond(exchange, 200, YAML));
    server.createContext(
        "/named/",
        exchange -> {
          exchange
              .getResponseHeaders()
              .add(
                  TicketFetcher.REDACT_HEADER,
                  java.util.Base64.getEncoder()
                          .encodeToString("Named-Secret-7".getBytes(StandardCharsets.UTF_8))
                      + ",not base64!,"
                      + java.util.Base64.getEncoder()
                          .encodeToString("Ticket-Secret-1".getBytes(StandardCharsets.UTF_8)));
          respond(exchange, 200, YAML);
        });
    server.createContext("/missing/", exchange -> respond(exchange, 404, ERROR_BODY));
    server.createContext("/broken/", exchange -> respond(exchange, 500, ERROR_BODY));
    server.createContext("/empty/", exchange -> respond(exchange, 200, ""));
    server.createContext(
        "/redirect/",
        exchange -> {
          hits.incrementAndGet();
          exchange.getResponseHeaders().add("Location", "/ok/t");
          exchange.sendResponseHeaders(302, -1);
          exchange.close();
        });
    // the slow answers take far longer than any test waits: a fetch that ends at all gave up on
    // them
    server.createContext(
        "/slow-headers/",
        slow(
            exchange -> {
              sleep(SLOW_MILLIS);
              respond(exchange, 200, YAML);
            }));
    server.createContext(
        "/slow-body/",
        slow(
            exchange -> {
              byte[] body = YAML.getBytes(StandardCharsets.UTF_8);
              exchange.sendResponseHeaders(200, body.length);
              OutputStream out = exchange.getResponseBody();
              out.write(body, 0, 3);
              out.flush();
              sleep(SLOW_MILLIS);
              out.write(body, 3, body.length - 3);
              exchange.close();
            }));
    server.start();
  }

  private static final long SLOW_MILLIS = 120_000;

  @AfterEach
  void stopServer() {
    server.stop(0);
    executor.shutdownNow();
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  @Test
  void okReturnsTheBodyExactlyAsUtf8() throws Exception {
    assertEquals(YAML, new TicketFetcher().fetch(URI.create(url("/ok/t-123?sig=abc"))));
    assertEquals(1, hits.get());
  }

  @Test
  void theSecretsTheConsoleNamesComeWithTheYaml() throws Exception {
    TicketFetcher.Ticket ticket = new TicketFetcher().fetchTicket(URI.create(url("/named/t-1")));
    assertEquals(YAML, ticket.yaml());
    assertEquals(java.util.Set.of("Named-Secret-7", "Ticket-Secret-1"), ticket.secrets());
    assertEquals(
        java.util.Set.of(), new TicketFetcher().fetchTicket(URI.create(url("/ok/t-2"))).secrets());
  }

  @Test
  void notFoundFailsWithTheStatusAndWithoutTheBodyOrTicket() {
    PipelineLaunchException e =
        assertThrows(
            PipelineLaunchException.class,
            () -> new TicketFetcher().fetch(URI.create(url("/missing/t-Ticket-Path-3?sig=Sig-4"))));
    assertTrue(e.getMessage().contains("HTTP 404"), e.getMessage());
    assertTrue(e.getMessage().contains("single-use"), e.getMessage());
    assertTrue(
        e.getMessage().contains("http://127.0.0.1:" + server.getAddress().getPort()),
        e.getMessage());
    assertClean(e);
  }

  @Test
  void serverErrorFailsWithTheStatusAndWithoutTheBody() {
    PipelineLaunchException e =
        assertThrows(
            PipelineLaunchException.class,
            () -> new TicketFetcher().fetch(URI.create(url("/broken/t-Ticket-Path-3"))));
    assertTrue(e.getMessage().contains("HTTP 500"), e.getMessage());
    assertClean(e);
  }

  @Test
  void redirectsAreNotFollowed() {
    PipelineLaunchException e =
        assertThrows(
            PipelineLaunchException.class,
            () -> new TicketFetcher().fetch(URI.create(url("/redirect/t"))));
    assertTrue(e.getMessage().contains("HTTP 302"), e.getMessage());
    assertEquals(1, hits.get());
  }

  @Test
  void emptyBodyFails() {
    PipelineLaunchException e =
        assertThrows(
            PipelineLaunchException.class,
            () -> new TicketFetcher().fetch(URI.create(url("/empty/t"))));
    assertTrue(e.getMessage().contains("was empty"), e.getMessage());
  }

  @Test
  void slowResponseTimesOut() {
    long start = System.nanoTime();
    PipelineLaunchException e =
        assertThrows(
            PipelineLaunchException.class,
            () ->
                new TicketFetcher(Duration.ofMillis(700))
                    .fetch(URI.create(url("/slow-headers/t-Ticket-Path-3"))));
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(
        e.getMessage()
            .startsWith(
                "Timed out after 700 ms fetching the pipeline ticket from http://127.0.0.1:"),
        e.getMessage());
    assertTrue(millis < SLOW_MILLIS, "gave up before the server answered, after " + millis + " ms");
    assertClean(e);
  }

  @Test
  void slowBodyTimesOutToo() {
    long start = System.nanoTime();
    PipelineLaunchException e =
        assertThrows(
            PipelineLaunchException.class,
            () -> new TicketFetcher(Duration.ofMillis(700)).fetch(URI.create(url("/slow-body/t"))));
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(e.getMessage().startsWith("Timed out after 700 ms"), e.getMessage());
    assertTrue(millis < SLOW_MILLIS, "gave up before the server answered, after " + millis + " ms");
  }

  @Test
  void defaultTimeoutIs30Seconds() throws Exception {
    PipelineLaunchException e;
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    e =
        assertThrows(
            PipelineLaunchException.class,
            () ->
                new TicketFetcher()
                    .fetch(URI.create("http://127.0.0.1:" + port + "/t-Ticket-Path-3")));
    assertTrue(
        e.getMessage().startsWith("Could not connect to http://127.0.0.1:" + port), e.getMessage());
    assertClean(e);
    assertEquals(30, TicketFetcher.TIMEOUT_SECONDS);
  }

  @Test
  void ticketUrlsAreRecognised() {
    assertTrue(TicketFetcher.isTicketUrl("http://console:8080/api/tickets/abc"));
    assertTrue(TicketFetcher.isTicketUrl("HTTPS://console/api/tickets/abc\n"));
    assertFalse(TicketFetcher.isTicketUrl("source:\n  type: values\n"));
    assertFalse(TicketFetcher.isTicketUrl("http://x/y\nsource: z"));
    assertFalse(TicketFetcher.isTicketUrl("ftp://console/ticket"));
  }

  @Test
  void originHasNoPathQueryOrUserInfo() {
    assertEquals(
        "https://console.example.com:443",
        TicketFetcher.origin(
            URI.create("https://user:pw@console.example.com/api/tickets/t-1?sig=2")));
    assertEquals("http://[::1]:8080", TicketFetcher.origin(URI.create("http://[::1]:8080/t")));
  }

  @Test
  void launcherReadsTicketsAndPassesYamlThrough() throws Exception {
    assertEquals(YAML, PipelineLauncher.readPipeline(url("/ok/t")));
    assertEquals(YAML, PipelineLauncher.readPipeline(YAML));
    assertEquals(1, hits.get());
  }

  private static void assertClean(Exception e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      String text = String.valueOf(c.getMessage());
      assertFalse(text.contains("Error-Body-Secret-2"), text);
      assertFalse(text.contains("Ticket-Path-3"), text);
      assertFalse(text.contains("Sig-4"), text);
    }
  }

  private HttpHandler slow(HttpHandler handler) {
    return exchange -> {
      hits.incrementAndGet();
      try {
        handler.handle(exchange);
      } catch (IOException e) {
        // the client went away
      }
    };
  }

  private void respond(HttpExchange exchange, int status, String body) throws IOException {
    if (!exchange.getRequestURI().getPath().startsWith("/slow")) {
      hits.incrementAndGet();
    }
    assertEquals("GET", exchange.getRequestMethod());
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/yaml; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
    exchange.close();
  }

  private static void sleep(long millis) throws IOException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    }
  }
}
