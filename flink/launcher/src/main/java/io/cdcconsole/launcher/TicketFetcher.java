package io.cdcconsole.launcher;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fetches the pipeline YAML from a single-use ticket URL of the console: one plain GET, no
 * redirects, {@value #TIMEOUT_SECONDS} s in all (connect, response, body); {@code 200} with the
 * YAML (UTF-8) as the body is the only success. Errors name the status or the kind of failure and
 * the console's address ({@code scheme://host:port}), never the body or the URL's path and query
 * (the ticket).
 */
final class TicketFetcher {

  static final int TIMEOUT_SECONDS = 30;

  /**
   * The console's list of every secret value in the ticket's YAML (each base64, comma-separated),
   * named secrets used in options whose names look harmless included: the {@link Redactor} masks
   * them all.
   */
  static final String REDACT_HEADER = "X-Cdc-Redact";

  /** A fetched ticket: the YAML, and the secret values the console says it holds. */
  record Ticket(String yaml, Set<String> secrets) {}

  private final Duration timeout;

  TicketFetcher() {
    this(Duration.ofSeconds(TIMEOUT_SECONDS));
  }

  TicketFetcher(Duration timeout) {
    this.timeout = timeout;
  }

  /** Whether the launcher's argument is a ticket URL rather than the YAML itself. */
  static boolean isTicketUrl(String arg) {
    String s = arg.strip();
    if (s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0 || s.indexOf(' ') >= 0) {
      return false;
    }
    String lower = s.toLowerCase(Locale.ROOT);
    return lower.startsWith("http://") || lower.startsWith("https://");
  }

  String fetch(URI uri) throws PipelineLaunchException {
    return fetchTicket(uri).yaml();
  }

  Ticket fetchTicket(URI uri) throws PipelineLaunchException {
    String where = origin(uri);
    HttpClient client =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    HttpRequest request;
    try {
      request =
          HttpRequest.newBuilder(uri)
              .timeout(timeout)
              .header("Accept", "application/yaml, text/yaml, text/plain, */*")
              .GET()
              .build();
    } catch (IllegalArgumentException e) {
      throw new PipelineLaunchException("The pipeline ticket URL is not usable (" + where + ")");
    }
    // the body only for 200; anything else is discarded unread
    HttpResponse.BodyHandler<String> handler =
        info ->
            info.statusCode() == 200
                ? HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8)
                : HttpResponse.BodySubscribers.replacing(null);
    CompletableFuture<HttpResponse<String>> future = client.sendAsync(request, handler);
    HttpResponse<String> response;
    try {
      // request.timeout covers the wait for the response headers; this bounds the body too
      response = future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw timedOut(where);
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new PipelineLaunchException(
          "Interrupted while fetching the pipeline ticket from " + where);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof HttpConnectTimeoutException) {
        throw new PipelineLaunchException(
            "Could not connect to "
                + where
                + " to fetch the pipeline ticket"
                + " within "
                + describe(timeout));
      }
      if (cause instanceof HttpTimeoutException) {
        throw timedOut(where);
      }
      if (cause instanceof ConnectException) {
        throw new PipelineLaunchException(
            "Could not connect to "
                + where
                + " to fetch the pipeline ticket"
                + " (connection refused or unreachable)");
      }
      throw new PipelineLaunchException(
          "Could not fetch the pipeline ticket from "
              + where
              + " ("
              + (cause instanceof IOException
                  ? cause.getClass().getSimpleName()
                  : String.valueOf(cause))
              + ")");
    }
    int status = response.statusCode();
    if (status != 200) {
      String hint =
          status == 404 || status == 410
              ? " (unknown, expired or already used ticket: tickets are single-use)"
              : "";
      throw new PipelineLaunchException(
          "Fetching the pipeline ticket from " + where + " failed with HTTP " + status + hint);
    }
    String body = response.body();
    if (body == null || body.isBlank()) {
      throw new PipelineLaunchException("The pipeline ticket from " + where + " was empty");
    }
    return new Ticket(body, secrets(response.headers().firstValue(REDACT_HEADER).orElse("")));
  }

  /**
   * Undecodable parts are skipped: they cannot be masked, and failing the launch over them would
   * help no one.
   */
  static Set<String> secrets(String header) {
    Set<String> secrets = new LinkedHashSet<>();
    for (String part : header.split(",")) {
      if (!part.isBlank()) {
        try {
          secrets.add(new String(Base64.getDecoder().decode(part.strip()), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException ignored) {
          // not base64
        }
      }
    }
    return secrets;
  }

  private PipelineLaunchException timedOut(String where) {
    return new PipelineLaunchException(
        "Timed out after " + describe(timeout) + " fetching the pipeline ticket from " + where);
  }

  private static String describe(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  /** {@code scheme://host:port} of the ticket URL, without path, query or user info. */
  static String origin(URI uri) {
    String scheme = uri.getScheme() == null ? "?" : uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost() == null ? "?" : uri.getHost();
    if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    int port = uri.getPort() != -1 ? uri.getPort() : ("https".equals(scheme) ? 443 : 80);
    return scheme + "://" + host + ":" + port;
  }
}
