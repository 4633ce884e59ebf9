package io.cdcconsole.test;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A plain HTTP client for tests, so that the server is exercised exactly as any other client would.
 * Every JSON answer from {@code /api/v1} must match the OpenAPI document ({@link OpenApiContract}),
 * or the calling test fails.
 */
public final class Http {
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  public Http(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  public record Response(int status, java.net.http.HttpHeaders headers, String body) {
    public JsonObject json() {
      return new JsonObject(body);
    }

    public JsonArray items() {
      return json().getJsonArray("items");
    }

    public String contentType() {
      return headers.firstValue("content-type").orElse("");
    }

    public String header(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }

  public Response get(String path, String token) {
    return send("GET", path, token, null, null);
  }

  public Response post(String path, String token, JsonObject body) {
    return send("POST", path, token, body == null ? null : body.encode(), null);
  }

  public Response put(String path, String token, JsonObject body) {
    return send("PUT", path, token, body.encode(), null);
  }

  /** An update with {@code If-Match}. */
  public Response put(String path, String token, JsonObject body, String ifMatch) {
    return send("PUT", path, token, body.encode(), null, java.util.Map.of("If-Match", ifMatch));
  }

  public Response patch(String path, String token, JsonObject body) {
    return send("PATCH", path, token, body.encode(), null);
  }

  public Response delete(String path, String token) {
    return send("DELETE", path, token, null, null);
  }

  /** A delete with {@code If-Match}. */
  public Response delete(String path, String token, String ifMatch) {
    return send("DELETE", path, token, null, null, java.util.Map.of("If-Match", ifMatch));
  }

  /**
   * The ETag a GET of {@code path} answers: what a client sends back as If-Match, as the console
   * does.
   */
  public String etag(String path, String token) {
    Response r = get(path, token);
    if (r.status() != 200 || r.header("ETag") == null) {
      throw new AssertionError("GET " + path + " gave no ETag: " + r.status() + " " + r.body());
    }
    return r.header("ETag");
  }

  /** Any request; {@code authorization} is the whole header value when given. */
  public Response send(
      String method, String path, String token, String body, String authorization) {
    return send(method, path, token, body, authorization, java.util.Map.of());
  }

  public Response send(
      String method,
      String path,
      String token,
      String body,
      String authorization,
      java.util.Map<String, String> headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null && !headers.containsKey("Content-Type")) {
      b.header("Content-Type", "application/json");
    }
    headers.forEach(b::header);
    if (authorization != null) {
      b.header("Authorization", authorization);
    } else if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
      Response response = new Response(r.statusCode(), r.headers(), r.body());
      String requestType =
          headers.getOrDefault("Content-Type", body == null ? null : "application/json");
      OpenApiContract.get()
          .check(
              method,
              path,
              requestType,
              body,
              response.status(),
              response.contentType(),
              response.body());
      return response;
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public String login(String username, String password) {
    Response r =
        post(
            "/api/v1/auth/login",
            null,
            new JsonObject().put("username", username).put("password", password));
    if (r.status() != 200) {
      throw new AssertionError("login of " + username + " failed: " + r.status() + " " + r.body());
    }
    return r.json().getString("token");
  }
}
