package io.cdcconsole.web;

import io.cdcconsole.access.Authenticator;
import io.cdcconsole.access.Principal;
import io.cdcconsole.access.RequestContext;
import io.cdcconsole.access.Role;
import io.cdcconsole.error.Forbidden;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * How every {@code /api/v1} route is declared: each states the least role it needs (checked on the
 * server before the handler runs) and each mutating one names its audit action. A route cannot be
 * added without saying who may call it.
 */
public final class ApiRouter {
  public static final String PREFIX = "/api/v1";

  private final Router router;
  private final Authenticator auth;

  public ApiRouter(Router router, Authenticator auth) {
    this.router = router;
    this.auth = auth;
  }

  public void get(String path, Role role, Handler<RoutingContext> handler) {
    route(HttpMethod.GET, path, role, null, handler);
  }

  public void post(String path, Role role, String action, Handler<RoutingContext> handler) {
    route(HttpMethod.POST, path, role, action, handler);
  }

  public void put(String path, Role role, String action, Handler<RoutingContext> handler) {
    route(HttpMethod.PUT, path, role, action, handler);
  }

  public void patch(String path, Role role, String action, Handler<RoutingContext> handler) {
    route(HttpMethod.PATCH, path, role, action, handler);
  }

  public void delete(String path, Role role, String action, Handler<RoutingContext> handler) {
    route(HttpMethod.DELETE, path, role, action, handler);
  }

  /** A route anyone may call, such as sign-in. */
  public void publicPost(String path, String action, Handler<RoutingContext> handler) {
    router.route(HttpMethod.POST, PREFIX + path).handler(ctx -> tag(ctx, action)).handler(handler);
  }

  /**
   * A route for schedulers (DolphinScheduler): it also takes tokens scoped to pipelines (which work
   * nowhere else) and is audited whatever its method, since even a status check there is part of a
   * workflow's record. Its failures are answered in {@code failureShape} (the problem document as
   * the scheduler needs it).
   */
  public void automation(
      HttpMethod method,
      String path,
      Role role,
      String action,
      UnaryOperator<Problem> failureShape,
      Handler<RoutingContext> handler) {
    router
        .route(method, PREFIX + path)
        .handler(
            ctx -> {
              RequestContext.auditAlways(ctx);
              tag(ctx, action);
            })
        // a failure handler of the route, so that failures before it ran (the input guard's) are
        // shaped too
        .failureHandler(
            ctx -> {
              ctx.put(FailureHandler.SHAPE, failureShape);
              ctx.next();
            })
        .handler(this::authenticate)
        .handler(ctx -> authorize(ctx, role, true))
        .handler(handler);
  }

  private void route(
      HttpMethod method, String path, Role role, String action, Handler<RoutingContext> handler) {
    Route route = router.route(method, PREFIX + path);
    if (action != null) {
      route.handler(ctx -> tag(ctx, action));
    }
    route.handler(this::authenticate).handler(ctx -> authorize(ctx, role, false)).handler(handler);
  }

  private static void tag(RoutingContext ctx, String action) {
    RequestContext.action(ctx, action);
    ctx.next();
  }

  private void authenticate(RoutingContext ctx) {
    auth.authenticate(
            ctx.request().getHeader(HttpHeaders.AUTHORIZATION), ctx.request().getHeader("token"))
        .onSuccess(
            principal -> {
              RequestContext.principal(ctx, principal);
              ctx.next();
            })
        .onFailure(ctx::fail);
  }

  private static void authorize(RoutingContext ctx, Role needed, boolean scopedTokensAllowed) {
    Principal principal = principal(ctx);
    if (principal.scoped() && !scopedTokensAllowed) {
      ctx.fail(
          new Forbidden(
              "This API token is scoped to pipelines: it works on the /ds endpoints only."));
      return;
    }
    if (!principal.role().atLeast(needed)) {
      ctx.fail(
          new Forbidden(
              "This needs the "
                  + needed.json()
                  + " role; you have "
                  + principal.role().json()
                  + "."));
      return;
    }
    ctx.next();
  }

  /**
   * The routes under {@link #PREFIX} that {@code router} serves, as {@code "GET /pipelines/{id}"}
   * (path relative to the prefix, parameters in OpenAPI's braces), sorted: what the OpenAPI
   * document must list, no more, no less.
   */
  public static List<String> declaredRoutes(Router router) {
    return router.getRoutes().stream()
        .filter(
            r -> r.getPath() != null && r.getPath().startsWith(PREFIX + "/") && r.methods() != null)
        .flatMap(
            r ->
                r.methods().stream()
                    .map(
                        m ->
                            m.name()
                                + " "
                                + r.getPath()
                                    .substring(PREFIX.length())
                                    .replaceAll(":(\\w+)", "{$1}")))
        .distinct()
        .sorted()
        .toList();
  }

  public static Principal principal(RoutingContext ctx) {
    return RequestContext.principal(ctx);
  }

  /** Answers 200 with the JSON the future brings, or hands its failure to the failure handler. */
  public static void respond(RoutingContext ctx, Future<JsonObject> result) {
    reply(ctx, result, json -> json(ctx, 200, json));
  }

  /**
   * Gives the future's value to {@code answer}, which sends the response. A failure, and an
   * exception thrown by {@code answer} itself, go to the failure handler: a plain {@code onSuccess}
   * would drop that exception and leave the request without an answer for ever (security review
   * L1).
   */
  public static <T> void reply(RoutingContext ctx, Future<T> result, Consumer<T> answer) {
    result.onComplete(
        done -> {
          if (done.failed()) {
            ctx.fail(done.cause());
            return;
          }
          try {
            answer.accept(done.result());
          } catch (RuntimeException e) {
            ctx.fail(e);
          }
        });
  }

  /** Answers 201 with a {@code Location} header. */
  public static void created(RoutingContext ctx, String location, JsonObject json) {
    ctx.response().putHeader(HttpHeaders.LOCATION, PREFIX + location);
    json(ctx, 201, json);
  }

  /** Answers JSON already encoded (a view that writes its document itself). */
  public static void json(RoutingContext ctx, int status, Buffer body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(body);
  }

  public static void json(RoutingContext ctx, int status, JsonObject json) {
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(json.encode());
  }
}
