package io.cdcconsole.web;

import io.cdcconsole.config.ConsoleConfig;
import io.cdcconsole.error.NotFound;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The HTTP server on every core: {@code http.instances} verticles, each with its own router and
 * server on its own event loop, all listening on one port (Vert.x binds it once and hands
 * connections round-robin to the instances). Every service behind the routes is one shared object,
 * so what must hold across instances (stream caps, throttles, launch tickets, caches) is counted
 * once.
 *
 * <p>Each router is assembled in the order that matters: the header deadline's clock stop, security
 * headers, audit, body limits, the API (each capability adds its routes), a 404 for unknown API
 * paths, health, then the SPA; one failure handler for all of it.
 */
public final class WebServer {
  /**
   * The deployed servers: their shared port, and the first instance's router (every router has the
   * same routes).
   */
  public record Served(String deploymentId, int port, Router router) {}

  private WebServer() {}

  public static Future<Served> start(
      Vertx vertx,
      ConsoleConfig.Http config,
      Handler<RoutingContext> audit,
      Consumer<Router> addApiAndHealthRoutes,
      SpaRoutes spa) {
    // port 0 asks for a random port; a negative one is a random port that every instance shares
    int port = config.port() == 0 ? -1 : config.port();
    AtomicReference<Router> first = new AtomicReference<>();
    AtomicInteger actualPort = new AtomicInteger();
    return vertx
        .deployVerticle(
            () ->
                new VerticleBase() {
                  private HeaderDeadline headerDeadline;

                  @Override
                  public Future<?> start() {
                    headerDeadline = new HeaderDeadline(vertx, config.headerTimeout());
                    Router router =
                        router(vertx, config, audit, addApiAndHealthRoutes, spa, headerDeadline);
                    first.compareAndSet(null, router);
                    return server(vertx, config, port, router, headerDeadline)
                        .onSuccess(server -> actualPort.set(server.actualPort()));
                  }

                  @Override
                  public Future<?> stop() {
                    headerDeadline.close();
                    return Future.succeededFuture();
                  }
                },
            new DeploymentOptions().setInstances(config.instances()))
        .map(id -> new Served(id, actualPort.get(), first.get()));
  }

  private static Router router(
      Vertx vertx,
      ConsoleConfig.Http config,
      Handler<RoutingContext> audit,
      Consumer<Router> addApiAndHealthRoutes,
      SpaRoutes spa,
      HeaderDeadline headerDeadline) {
    Router router = Router.router(vertx);
    router.route().handler(new RequestIds());
    router.route().handler(headerDeadline.onRequest());
    router.route().handler(new SecurityHeaders(config.tls().isPresent()));
    router.route("/api/*").handler(audit);
    router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(config.maxBodyBytes()));
    router.route("/api/*").handler(new InputGuard());
    addApiAndHealthRoutes.accept(router);
    router
        .route("/api/*")
        .handler(ctx -> ctx.fail(new NotFound("No API resource at " + ctx.request().path() + ".")));
    spa.addRoutes(router);
    router.route().failureHandler(new FailureHandler(config.maxBodyBytes()));
    return router;
  }

  private static Future<HttpServer> server(
      Vertx vertx,
      ConsoleConfig.Http config,
      int port,
      Router router,
      HeaderDeadline headerDeadline) {
    HttpServerOptions options =
        new HttpServerOptions()
            .setHost(config.host())
            .setPort(port)
            .setCompressionSupported(true)
            // idle (and half-open, or trickling-nothing) connections cannot pile up; SSE
            // keep-alives reset it
            .setIdleTimeout((int) config.idleTimeout().toMillis())
            .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
            // No HTTP/2 upgrade of plain connections (no browser uses it): to look for one, Vert.x
            // reads a connection's
            // whole first request before it hands out the connection, which would blind the header
            // deadline.
            .setHttp2ClearTextEnabled(false);
    config
        .tls()
        .ifPresent(
            tls ->
                options
                    .setSsl(true)
                    .setKeyCertOptions(
                        new PemKeyCertOptions()
                            .setCertPath(tls.certFile().toString())
                            .setKeyPath(tls.keyFile().toString())));
    return vertx
        .createHttpServer(options)
        .connectionHandler(headerDeadline.onConnection())
        .requestHandler(router)
        .invalidRequestHandler(new InvalidRequestHandler())
        .listen();
  }
}
