package io.cdcconsole.web;

import io.cdcconsole.audit.Audit;
import io.cdcconsole.config.ConsoleConfig;
import io.cdcconsole.error.NotFound;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The HTTP server on every core: {@code http.instances} verticles, each with its own router and server on its own event
 * loop, all listening on one port (Vert.x binds it once and hands connections round-robin to the instances). Every
 * service behind the routes is one shared object, so what must hold across instances (stream caps, throttles, launch
 * tickets, caches) is counted once.
 *
 * <p>Each router is assembled in the order that matters: security headers, audit, body limits, the API (each
 * capability adds its routes), a 404 for unknown API paths, health, then the SPA; one failure handler for all of it.
 */
public final class WebServer {
  /** The deployed servers: their shared port, and the first instance's router (every router has the same routes). */
  public record Served(String deploymentId, int port, Router router) {}

  private WebServer() {}

  public static Future<Served> start(Vertx vertx, ConsoleConfig.Http config, Audit audit,
                                     Consumer<Router> addApiAndHealthRoutes, SpaRoutes spa) {
    // port 0 asks for a random port; a negative one is a random port that every instance shares
    int port = config.port() == 0 ? -1 : config.port();
    AtomicReference<Router> first = new AtomicReference<>();
    AtomicInteger actualPort = new AtomicInteger();
    return vertx.deployVerticle(() -> new VerticleBase() {
          @Override
          public Future<?> start() {
            Router router = router(vertx, config, audit, addApiAndHealthRoutes, spa);
            first.compareAndSet(null, router);
            return server(vertx, config, port, router).onSuccess(server -> actualPort.set(server.actualPort()));
          }
        }, new DeploymentOptions().setInstances(config.instances()))
        .map(id -> new Served(id, actualPort.get(), first.get()));
  }

  private static Router router(Vertx vertx, ConsoleConfig.Http config, Audit audit,
                               Consumer<Router> addApiAndHealthRoutes, SpaRoutes spa) {
    Router router = Router.router(vertx);
    router.route().handler(new RequestIds());
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
    return router;
  }

  private static Future<HttpServer> server(Vertx vertx, ConsoleConfig.Http config, int port, Router router) {
    return vertx.createHttpServer(new HttpServerOptions()
            .setHost(config.host())
            .setPort(port)
            .setCompressionSupported(true)
            // idle (and half-open, or trickling-nothing) connections cannot pile up; SSE keep-alives reset it
            .setIdleTimeout((int) config.idleTimeout().toMillis())
            .setIdleTimeoutUnit(TimeUnit.MILLISECONDS))
        .requestHandler(router)
        .invalidRequestHandler(new InvalidRequestHandler())
        .listen();
  }
}
