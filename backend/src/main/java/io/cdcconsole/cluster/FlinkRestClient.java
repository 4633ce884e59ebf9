package io.cdcconsole.cluster;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.multipart.MultipartForm;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Flink REST API of one cluster, with its authentication, extra headers and TLS settings
 * applied to every call. Every call is bounded by the timeout, so a cluster that accepts
 * connections but never answers cannot hold anyone up.
 */
public final class FlinkRestClient {
  /**
   * The longest call a caller may ask for (a jar upload); the connections' idle timeout outlasts
   * it.
   */
  public static final Duration LONGEST_CALL = Duration.ofMinutes(5);

  /**
   * The most the console reads of one answer. Flink's largest (a big cluster's job overview, a deep
   * exception history) stay far below; a JobManager, or whatever answers at its address, cannot
   * make the console buffer more.
   */
  public static final int MAX_ANSWER_BYTES = 16 * 1024 * 1024;

  /**
   * Answers larger than this are parsed on a worker thread: a big cluster's job overview is not the
   * event loop's job.
   */
  static final int PARSE_ON_WORKER_BYTES = 64 * 1024;

  private final Vertx vertx;
  private final HttpClientAgent http;
  private final WebClient client;
  private final URI base;
  private final MultiMap headers;
  private final long timeoutMs;

  /**
   * A failed call: the cluster answered with a status other than 2xx (with Flink's {@code errors}),
   * or not with JSON.
   */
  public static final class FlinkRestException extends RuntimeException {
    private final int status;
    private final List<String> errors;

    public FlinkRestException(int status, String message) {
      this(status, message, List.of());
    }

    public FlinkRestException(int status, String message, List<String> errors) {
      super(message, null, false, false);
      this.status = status;
      this.errors = List.copyOf(errors);
    }

    public int status() {
      return status;
    }

    /** Flink's own explanation (for a failed job submission: the cause chain). */
    public List<String> errors() {
      return errors;
    }
  }

  /** An answer longer than {@link #MAX_ANSWER_BYTES}: the call fails and the rest is not read. */
  public static final class AnswerTooLargeException extends RuntimeException {
    AnswerTooLargeException() {
      super(
          "the answer is larger than "
              + MAX_ANSWER_BYTES / (1024 * 1024)
              + " MiB, more than Flink's REST API ever "
              + "sends; the console stopped reading it",
          null,
          false,
          false);
    }
  }

  /**
   * {@code headers} are final plaintext values (authentication included), decrypted by the caller
   * off the event loop.
   */
  private volatile FlinkCallListener listener = FlinkCallListener.NONE;

  public FlinkRestClient(
      Vertx vertx, String restUrl, Map<String, String> headers, Cluster.Tls tls, Duration timeout) {
    this.vertx = vertx;
    this.base = URI.create(restUrl.endsWith("/") ? restUrl : restUrl + "/");
    this.timeoutMs = timeout.toMillis();
    WebClientOptions options =
        new WebClientOptions()
            .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMs))
            // Longer than any call: a call's own timeout gives up first (and resets its
            // connection). An idle timeout
            // near the plain call timeout closed the connection under a long call in which Flink
            // sends nothing until
            // it is done (running a jar's main on a busy JobManager took > 10 s), and the
            // submission failed.
            .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
            .setIdleTimeout(
                (int) Math.min(Integer.MAX_VALUE, LONGEST_CALL.toMillis() + 2 * timeoutMs))
            .setKeepAlive(true)
            .setUserAgent("cdc-console")
            .setFollowRedirects(false);
    if ("https".equalsIgnoreCase(base.getScheme())) {
      options.setSsl(true);
      if (tls.insecure()) {
        options.setTrustAll(true).setVerifyHost(false);
      } else if (tls.caPem() != null && !tls.caPem().isBlank()) {
        options.setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(tls.caPem())));
      }
    }
    this.http = vertx.createHttpClient(options);
    this.client = WebClient.wrap(http, options);
    this.headers = MultiMap.caseInsensitiveMultiMap().addAll(headers);
  }

  public Future<JsonObject> getJson(String path) {
    return timed(() -> send(request("GET", path), timeoutMs));
  }

  /**
   * A POST with a JSON body; {@code timeout} for calls that do real work on the JobManager, such as
   * running a jar.
   */
  public Future<JsonObject> postJson(String path, JsonObject body, Duration timeout) {
    HttpRequest<Buffer> request = request("POST", path).timeout(timeout.toMillis());
    return timed(
        () ->
            request
                .sendJsonObject(body)
                .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .compose(FlinkRestClient::json));
  }

  public Future<JsonObject> patch(String path) {
    return timed(() -> send(request("PATCH", path), timeoutMs));
  }

  /** A GET of an endpoint that answers a JSON array (e.g. {@code /jobmanager/config}). */
  public Future<JsonArray> getJsonArray(String path) {
    return timed(
        () ->
            request("GET", path)
                .send()
                .timeout(timeoutMs, TimeUnit.MILLISECONDS)
                .compose(
                    response -> {
                      if (response.statusCode() / 100 != 2) {
                        return Future.failedFuture(
                            new FlinkRestException(
                                response.statusCode(),
                                "Flink answered HTTP " + response.statusCode()));
                      }
                      try {
                        return Future.succeededFuture(response.bodyAsJsonArray());
                      } catch (RuntimeException e) {
                        return Future.failedFuture(
                            new FlinkRestException(
                                response.statusCode(), "the answer is not Flink REST JSON"));
                      }
                    }));
  }

  /**
   * {@code POST /jars/upload} as Flink's web UI does it: one multipart field {@code jarfile},
   * streamed from disk.
   */
  public Future<JsonObject> uploadJar(String fileName, java.nio.file.Path jar, Duration timeout) {
    MultipartForm form =
        MultipartForm.create()
            .binaryFileUpload("jarfile", fileName, jar.toString(), "application/x-java-archive");
    return timed(
        () ->
            request("POST", "/jars/upload")
                .timeout(timeout.toMillis())
                .sendMultipartForm(form)
                .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .compose(FlinkRestClient::json));
  }

  /** Closes the connections and the pool's cleaner timer. */
  public Future<Void> close() {
    return http.close();
  }

  /**
   * Who is told the duration and outcome of every call (metrics); set once, right after
   * construction.
   */
  public FlinkRestClient listenedBy(FlinkCallListener listener) {
    this.listener = listener;
    return this;
  }

  private <T> Future<T> timed(java.util.function.Supplier<Future<T>> call) {
    long start = System.nanoTime();
    return call.get().andThen(done -> listener.called(System.nanoTime() - start, done.cause()));
  }

  private HttpRequest<Buffer> request(String method, String path) {
    URI uri = base.resolve(path.startsWith("/") ? path.substring(1) : path);
    HttpRequest<Buffer> request =
        client
            .requestAbs(io.vertx.core.http.HttpMethod.valueOf(method), uri.toString())
            .as(BoundedBody.codec(MAX_ANSWER_BYTES, AnswerTooLargeException::new))
            .timeout(timeoutMs);
    request.headers().addAll(headers);
    return request;
  }

  private Future<JsonObject> send(HttpRequest<Buffer> request, long timeout) {
    return request
        .send()
        .timeout(timeout, TimeUnit.MILLISECONDS)
        .compose(
            response ->
                response.statusCode() / 100 == 2
                        && response.body() != null
                        && response.body().length() > PARSE_ON_WORKER_BYTES
                    ? vertx.executeBlocking(() -> json(response), false).compose(parsed -> parsed)
                    : json(response));
  }

  private static Future<JsonObject> json(HttpResponse<Buffer> response) {
    if (response.statusCode() / 100 != 2) {
      List<String> errors = new ArrayList<>();
      try {
        JsonObject body = response.bodyAsJsonObject();
        if (body != null && body.getValue("errors") instanceof JsonArray array) {
          array.forEach(e -> errors.add(String.valueOf(e)));
        }
      } catch (RuntimeException notJson) {
        // a proxy's HTML error page: the status says enough
      }
      return Future.failedFuture(
          new FlinkRestException(
              response.statusCode(), "Flink answered HTTP " + response.statusCode(), errors));
    }
    try {
      Buffer body = response.body();
      return Future.succeededFuture(
          body == null || body.length() == 0 ? new JsonObject() : new JsonObject(body));
    } catch (DecodeException | ClassCastException e) {
      return Future.failedFuture(
          new FlinkRestException(response.statusCode(), "the answer is not Flink REST JSON"));
    }
  }
}
