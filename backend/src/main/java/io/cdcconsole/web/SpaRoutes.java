package io.cdcconsole.web;

import io.cdcconsole.error.NotFound;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * The single-page console from {@code webroot/} on the classpath. Any other GET that is not an API,
 * health or asset path gets {@code index.html}, so that the SPA's own routes survive a reload or a
 * bookmark.
 */
public final class SpaRoutes {
  private static final String WEBROOT = "webroot";

  private final Optional<Buffer> index;

  private SpaRoutes(Optional<Buffer> index) {
    this.index = index;
  }

  /**
   * Reads {@code index.html} once, off the event loop; a backend-only build ({@code
   * -Dskip.frontend}) has none.
   */
  public static Future<SpaRoutes> load(Vertx vertx) {
    return vertx.executeBlocking(
        () -> {
          try (InputStream in =
              SpaRoutes.class.getClassLoader().getResourceAsStream(WEBROOT + "/index.html")) {
            return new SpaRoutes(
                in == null ? Optional.empty() : Optional.of(Buffer.buffer(in.readAllBytes())));
          } catch (IOException e) {
            return new SpaRoutes(Optional.empty());
          }
        },
        false);
  }

  public void addRoutes(Router router) {
    // hashed file names under /assets never change, so they may be cached for long; index.html must
    // not be
    router
        .get("/assets/*")
        .handler(
            ctx -> {
              ctx.response()
                  .putHeader(HttpHeaders.CACHE_CONTROL, "public, max-age=31536000, immutable");
              ctx.next();
            });
    router
        .get("/*")
        .handler(StaticHandler.create(WEBROOT).setIndexPage("index.html").setCachingEnabled(false));
    router
        .get("/*")
        .handler(
            ctx -> {
              if (ctx.request().path().startsWith("/assets/")) {
                ctx.fail(new NotFound("No asset at " + ctx.request().path() + "."));
              } else if (index.isEmpty()) {
                ctx.fail(
                    new NotFound(
                        "The console UI is not part of this build (built with -Dskip.frontend)."));
              } else {
                ctx.response()
                    .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
                    .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
                    .end(index.get());
              }
            });
  }
}
