package io.cdcconsole.cluster;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Flink REST API of one cluster, with its authentication, extra headers and TLS settings applied to every call.
 * Every call is bounded by the timeout, so a cluster that accepts connections but never answers cannot hold anyone up.
 */
public final class FlinkRestClient {
  private final WebClient client;
  private final URI base;
  private final MultiMap headers;
  private final long timeoutMs;

  /** A failed call: the cluster answered with a status other than 2xx, or not with JSON. */
  public static final class FlinkRestException extends RuntimeException {
    private final int status;

    public FlinkRestException(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  /** {@code headers} are final plaintext values (authentication included), decrypted by the caller off the event loop. */
  public FlinkRestClient(Vertx vertx, String restUrl, Map<String, String> headers, Cluster.Tls tls, Duration timeout) {
    this.base = URI.create(restUrl.endsWith("/") ? restUrl : restUrl + "/");
    this.timeoutMs = timeout.toMillis();
    WebClientOptions options = new WebClientOptions()
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMs))
        // twice the call timeout: the call gives up first, then the hung connection is closed and not reused
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        .setIdleTimeout((int) Math.min(Integer.MAX_VALUE, 2 * timeoutMs))
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
    this.client = WebClient.create(vertx, options);
    this.headers = MultiMap.caseInsensitiveMultiMap().addAll(headers);
  }

  public Future<JsonObject> getJson(String path) {
    return send(request("GET", path));
  }

  public void close() {
    client.close();
  }

  private HttpRequest<Buffer> request(String method, String path) {
    URI uri = base.resolve(path.startsWith("/") ? path.substring(1) : path);
    HttpRequest<Buffer> request = client.requestAbs(io.vertx.core.http.HttpMethod.valueOf(method), uri.toString())
        .timeout(timeoutMs);
    request.headers().addAll(headers);
    return request;
  }

  private Future<JsonObject> send(HttpRequest<Buffer> request) {
    return request.send()
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .compose(FlinkRestClient::json);
  }

  private static Future<JsonObject> json(HttpResponse<Buffer> response) {
    if (response.statusCode() / 100 != 2) {
      return Future.failedFuture(new FlinkRestException(response.statusCode(),
          "Flink answered HTTP " + response.statusCode()));
    }
    try {
      Buffer body = response.body();
      return Future.succeededFuture(body == null ? new JsonObject() : new JsonObject(body));
    } catch (DecodeException | ClassCastException e) {
      return Future.failedFuture(new FlinkRestException(response.statusCode(), "the answer is not Flink REST JSON"));
    }
  }
}
