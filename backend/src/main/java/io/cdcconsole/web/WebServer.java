package io.cdcconsole.web;

import io.cdcconsole.audit.Audit;
import io.cdcconsole.config.ConsoleConfig;
import io.cdcconsole.error.NotFound;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Assembles the router in the order that matters: security headers, audit, body limits, the API (each capability
 * adds its routes), a 404 for unknown API paths, health, then the SPA; one failure handler for all of it.
 */
public final class WebServer {
  private WebServer() {}

  public static Future<HttpServer> start(Vertx vertx, Router router, ConsoleConfig.Http config, Audit audit,
                                         Consumer<Router> addApiAndHealthRoutes, SpaRoutes spa) {
    router.route().handler(ctx -> {
      ctx.response()
          .putHeader("X-Content-Type-Options", "nosniff")
          .putHeader("X-Frame-Options", "DENY")
          .putHeader("Referrer-Policy", "no-referrer");
      ctx.next();
    });
    router.route("/api/*").handler(audit);
    router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(config.maxBodyBytes()));
    router.route("/api/*").handler(new InputGuard());
    addApiAndHealthRoutes.accept(router);
    router.route("/api/*").handler(ctx -> ctx.fail(new NotFound("No API resource at " + ctx.request().path() + ".")));
    spa.addRoutes(router);
    router.route().failureHandler(new FailureHandler(config.maxBodyBytes()));

    return vertx.createHttpServer(new HttpServerOptions()
            .setHost(config.host())
            .setPort(config.port())
            .setCompressionSupported(true)
            // idle (and half-open, or trickling-nothing) connections cannot pile up; SSE keep-alives reset it
            .setIdleTimeout((int) config.idleTimeout().toMillis())
            .setIdleTimeoutUnit(TimeUnit.MILLISECONDS))
        .requestHandler(router)
        .invalidRequestHandler(new InvalidRequestHandler())
        .listen();
  }
}
