package io.cdcconsole.test;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A client of {@code GET /events} that reads the stream frame by frame, as an EventSource would,
 * and checks each event against the OpenAPI document. Lines are read by a thread of its own, so a
 * test waiting for an event that never comes fails after {@link #PATIENCE} instead of hanging (a
 * blocked HTTP body read does not heed JUnit's timeout interrupt).
 */
public final class Sse implements AutoCloseable {
  /** One event: {@code id} is null when the server sent none. */
  public record Event(Long id, String name, JsonObject data) {}

  /** How long {@link #next()} waits for the next line of the stream. */
  public static final Duration PATIENCE = Duration.ofMinutes(3);

  /** Put after the last line (the stream ended, or reading it failed). */
  private static final String END = new String("end of stream");

  private final HttpResponse<Stream<String>> response;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private boolean ended;

  private Sse(HttpResponse<Stream<String>> response) {
    this.response = response;
    Thread reader =
        new Thread(
            () -> {
              try {
                response.body().forEach(lines::add);
              } catch (RuntimeException e) {
                // closed by close(), or cut by the server: the stream ended either way
              } finally {
                lines.add(END);
              }
            },
            "sse-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** The next line; null when the stream ended. */
  private String nextLine() {
    if (ended) {
      return null;
    }
    String line;
    try {
      line = lines.poll(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    if (line == null) {
      throw new AssertionError("nothing on the event stream for " + PATIENCE);
    }
    if (line == END) {
      ended = true;
      return null;
    }
    return line;
  }

  /** Opens a stream; {@code lastEventId} null for none. */
  public static Sse open(int port, String token, Long lastEventId) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/events"))
            .header("Authorization", "Bearer " + token);
    if (lastEventId != null) {
      request.header("Last-Event-ID", Long.toString(lastEventId));
    }
    try {
      return new Sse(
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .build()
              .send(request.build(), HttpResponse.BodyHandlers.ofLines()));
    } catch (IOException e) {
      throw new IllegalStateException("GET /events failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public int status() {
    return response.statusCode();
  }

  public String contentType() {
    return response.headers().firstValue("content-type").orElse("");
  }

  /** The whole body of a refused stream (a problem document). */
  public String body() {
    StringBuilder out = new StringBuilder();
    for (String line = nextLine(); line != null; line = nextLine()) {
      out.append(line);
    }
    return out.toString();
  }

  /** The next event (comments skipped); empty when the server ended the stream. */
  public Optional<Event> next() {
    Long id = null;
    String name = "message";
    String data = null;
    for (String line = nextLine(); line != null; line = nextLine()) {
      if (line.isEmpty()) {
        if (data != null) {
          // every event's data must match the schema of its type in the OpenAPI document
          OpenApiContract.get().checkEvent(name, data);
          return Optional.of(new Event(id, name, new JsonObject(data)));
        }
        continue;
      }
      if (line.startsWith("id: ")) {
        id = Long.parseLong(line.substring(4));
      } else if (line.startsWith("event: ")) {
        name = line.substring(7);
      } else if (line.startsWith("data: ")) {
        data = line.substring(6);
      }
    }
    return Optional.empty();
  }

  @Override
  public void close() {
    response.body().close();
  }
}
