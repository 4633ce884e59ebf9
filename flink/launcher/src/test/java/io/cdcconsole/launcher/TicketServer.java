package io.cdcconsole.launcher;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the console's single-use ticket endpoint: GET /tickets/{id} answers 200 once, then
 * 410.
 */
final class TicketServer implements AutoCloseable {

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final Map<String, String> tickets = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();

  TicketServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/tickets/", this::handle);
    server.start();
  }

  /** Registers a single-use ticket for {@code yaml}; returns its URL. */
  String ticket(String yaml) {
    String id = UUID.randomUUID().toString();
    tickets.put(id, yaml);
    hits.put(id, new AtomicInteger());
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/tickets/" + id;
  }

  /** How often the ticket at {@code url} was requested. */
  int hits(String url) {
    return hits.get(url.substring(url.lastIndexOf('/') + 1)).get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String id = exchange.getRequestURI().getPath().substring("/tickets/".length());
    AtomicInteger count = hits.get(id);
    if (count != null) {
      count.incrementAndGet();
    }
    String yaml = "GET".equals(exchange.getRequestMethod()) ? tickets.remove(id) : null;
    if (yaml == null) {
      byte[] body = "{\"error\":\"unknown or used ticket\"}".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(count == null ? 404 : 410, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
      return;
    }
    byte[] body = yaml.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/yaml; charset=utf-8");
    exchange.getResponseHeaders().add("Cache-Control", "no-store");
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
