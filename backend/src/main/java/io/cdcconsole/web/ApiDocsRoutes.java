package io.cdcconsole.web;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code GET /api/v1/openapi.json} (public: the contract is no secret) and {@code /api/docs}, the
 * API reference rendered by Swagger UI from its webjar. The document is converted once, off the
 * event loop, when it is first asked for: converting its 170 KB of YAML at start-up cost a quarter
 * of a second of every start (docs/benchmarks.md), for a document few consoles are ever asked for.
 */
public final class ApiDocsRoutes {
  public static final String DOCUMENT_PATH = ApiRouter.PREFIX + "/openapi.json";
  private static final String DOCS = "/api/docs";
  private static final String WEBJAR_POM = "META-INF/maven/org.webjars/swagger-ui/pom.properties";

  private final Vertx vertx;
  private final String swaggerUiRoot;

  /** The converted document, once asked for: one conversion however many requests wait for it. */
  private final AtomicReference<Future<Buffer>> document = new AtomicReference<>();

  private ApiDocsRoutes(Vertx vertx, String swaggerUiRoot) {
    this.vertx = vertx;
    this.swaggerUiRoot = swaggerUiRoot;
  }

  public static Future<ApiDocsRoutes> load(Vertx vertx) {
    return vertx.executeBlocking(
        () ->
            new ApiDocsRoutes(vertx, "META-INF/resources/webjars/swagger-ui/" + swaggerUiVersion()),
        false);
  }

  private Future<Buffer> document() {
    Future<Buffer> known = document.get();
    if (known != null) {
      return known;
    }
    Promise<Buffer> converting = Promise.promise();
    if (!document.compareAndSet(null, converting.future())) {
      return document.get();
    }
    vertx
        .executeBlocking(() -> OpenApiDocument.read().toBuffer(), false)
        .onComplete(converting)
        // a failed conversion (a broken build) is tried again by the next request
        .onFailure(err -> document.compareAndSet(converting.future(), null));
    return converting.future();
  }

  /**
   * The webjar's files sit under its version; the version is read from the jar itself, so it is
   * pinned only in Maven.
   */
  private static String swaggerUiVersion() {
    try (InputStream in = ApiDocsRoutes.class.getClassLoader().getResourceAsStream(WEBJAR_POM)) {
      if (in == null) {
        throw new IllegalStateException("the swagger-ui webjar is missing from the classpath");
      }
      Properties pom = new Properties();
      pom.load(in);
      return pom.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void addRoutes(Router router) {
    router
        .get(DOCUMENT_PATH)
        .handler(
            ctx ->
                document()
                    .onSuccess(
                        json ->
                            ctx.response()
                                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                                .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
                                .end(json))
                    .onFailure(ctx::fail));
    // Swagger UI's page loads its files relative to itself, so it must be seen as /api/docs/ (this
    // route also matches that)
    router
        .get(DOCS)
        .handler(
            ctx -> {
              if (ctx.request().path().endsWith("/")) {
                ctx.next();
              } else {
                ctx.redirect(DOCS + "/");
              }
            });
    // Swagger UI's own start-up script points at the petstore; this one points at our document, and
    // turns off the
    // validator badge, which would send the document's URL to validator.swagger.io
    router
        .get(DOCS + "/swagger-initializer.js")
        .handler(
            ctx ->
                ctx.response()
                    .putHeader(HttpHeaders.CONTENT_TYPE, "text/javascript; charset=utf-8")
                    .end(
                        "window.onload = () => {\n"
                            + "  window.ui = SwaggerUIBundle({url: '"
                            + DOCUMENT_PATH
                            + "', dom_id: '#swagger-ui', deepLinking: true,\n"
                            + "    validatorUrl: null, presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],\n"
                            + "    layout: 'StandaloneLayout'});\n"
                            + "};\n"));
    router.get(DOCS + "/*").handler(StaticHandler.create(swaggerUiRoot).setIndexPage("index.html"));
  }
}
