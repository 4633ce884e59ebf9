package io.cdcconsole.test;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Iterator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A client of {@code GET /events} that reads the stream frame by frame, as an EventSource would,
 * and checks each event against the OpenAPI document.
 */
public final class Sse implements AutoCloseable {
  /** One event: {@code id} is null when the server sent none. */
  public record Event(Long id, String name, JsonObject data) {}

  private final HttpResponse<Stream<String>> response;
  private final Iterator<String> lines;

  private Sse(HttpResponse<Stream<String>> response) {
    this.response = response;
    this.lines = response.body().iterator();
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
    lines.forEachRemaining(out::append);
    return out.toString();
  }

  /** The next event (comments skipped); empty when the server ended the stream. */
  public Optional<Event> next() {
    Long id = null;
    String name = "message";
    String data = null;
    while (lines.hasNext()) {
      String line = lines.next();
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
