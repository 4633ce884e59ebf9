package io.cdcconsole.metrics;

import io.cdcconsole.config.ConsoleConfig;
import io.cdcconsole.error.NotFound;
import io.cdcconsole.error.Unauthorized;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * {@code GET /metrics} in the Prometheus text format, served two ways (either, both or neither):
 *
 * <ul>
 *   <li>on the console's HTTP port, to a bearer {@code metrics.token} only (401 without it or with
 *       another; 404 when no token is configured, so an unprotected /metrics is never served
 *       there);
 *   <li>on {@code metrics.port} of 127.0.0.1 without a token: for a scraper or sidecar on the same
 *       host.
 * </ul>
 */
public final class MetricsRoutes {
  /**
   * Prometheus text exposition format 0.0.4, what {@code PrometheusMeterRegistry.scrape()} writes.
   */
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final ConsoleMetrics metrics;
  private final Optional<byte[]> token;

  /** {@code metrics} null: metrics are off and /metrics is 404. */
  public MetricsRoutes(ConsoleMetrics metrics, ConsoleConfig.Observability config) {
    this.metrics = metrics;
    this.token = config.metricsToken().map(t -> t.value().getBytes(StandardCharsets.UTF_8));
  }

  public void addRoutes(Router router) {
    router.get("/metrics").handler(this::scrape);
  }

  private void scrape(RoutingContext ctx) {
    if (metrics == null || token.isEmpty()) {
      ctx.fail(
          new NotFound("Metrics are not served on this port; see metrics.token and metrics.port."));
      return;
    }
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    byte[] given =
        header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
            ? header.substring(7).trim().getBytes(StandardCharsets.UTF_8)
            : new byte[0];
    // constant time: the comparison does not tell how much of a guess was right
    if (!MessageDigest.isEqual(given, token.get())) {
      ctx.fail(new Unauthorized("GET /metrics needs the metrics token as a bearer token."));
      return;
    }
    metrics
        .scrape()
        .onComplete(
            done -> {
              if (done.failed()) {
                ctx.fail(done.cause());
              } else {
                ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, CONTENT_TYPE).end(done.result());
              }
            });
  }

  /**
   * The management server on {@code port} of 127.0.0.1: /metrics only, no token (the loopback is
   * the boundary).
   */
  public static Future<HttpServer> managementServer(Vertx vertx, ConsoleMetrics metrics, int port) {
    return vertx
        .createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
        .requestHandler(request -> serve(request, metrics))
        .listen();
  }

  private static void serve(HttpServerRequest request, ConsoleMetrics metrics) {
    if (!"/metrics".equals(request.path())) {
      request.response().setStatusCode(404).end();
      return;
    }
    metrics
        .scrape()
        .onComplete(
            done -> {
              if (done.failed()) {
                request.response().setStatusCode(500).end();
              } else {
                request
                    .response()
                    .putHeader(HttpHeaders.CONTENT_TYPE, CONTENT_TYPE)
                    .end(done.result());
              }
            });
  }
}
