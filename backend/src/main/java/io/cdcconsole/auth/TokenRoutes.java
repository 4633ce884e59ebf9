package io.cdcconsole.auth;

import io.cdcconsole.access.Role;
import io.cdcconsole.access.TokenScope;
import io.cdcconsole.audit.Audit;
import io.cdcconsole.error.Forbidden;
import io.cdcconsole.error.ValidationFailed;
import io.cdcconsole.web.ApiRouter;
import io.cdcconsole.web.JsonBody;
import io.cdcconsole.web.Query;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/** {@code /tokens}: everyone manages their own API tokens; admins also other users'. */
public final class TokenRoutes {
  private final TokenService tokens;
  private final Clock clock;

  public TokenRoutes(TokenService tokens, Clock clock) {
    this.tokens = tokens;
    this.clock = clock;
  }

  public void addRoutes(ApiRouter api) {
    api.get("/tokens", Role.VIEWER, this::list);
    api.post("/tokens", Role.VIEWER, "token.create", this::create);
    api.delete("/tokens/:id", Role.VIEWER, "token.revoke", this::revoke);
  }

  private void list(RoutingContext ctx) {
    ApiRouter.respond(
        ctx,
        tokens
            .list(
                ApiRouter.principal(ctx),
                Query.longValue(ctx, "userId"),
                Query.flag(ctx, "all"),
                Query.page(ctx))
            .map(page -> page.toJson(t -> t.toJson(clock.instant()))));
  }

  /**
   * Only a signed-in session mints tokens: a token minting tokens would outlive its own expiry and
   * revocation (a leaked token could make itself permanent), and automation has no need to.
   */
  private void create(RoutingContext ctx) {
    if (ApiRouter.principal(ctx).viaToken()) {
      throw new Forbidden(
          "API tokens are created from a signed-in session, not with another API token.");
    }
    JsonBody body = JsonBody.of(ctx);
    var expiresAt = body.instant("expiresAt");
    Optional<Long> days = body.integer("expiresInDays", 1, 3650);
    if (expiresAt.isPresent() && days.isPresent()) {
      throw ValidationFailed.of(
          "expiresInDays", "give either expiresAt or expiresInDays, not both");
    }
    TokenService.NewToken request =
        new TokenService.NewToken(
            body.requiredString("name"),
            RoleField.of(body, "role"),
            expiresAt.or(() -> days.map(d -> clock.instant().plus(Duration.ofDays(d)))),
            scope(body));
    Audit.detail(ctx, new JsonObject().put("name", request.name()));
    tokens
        .create(ApiRouter.principal(ctx), request)
        .onSuccess(
            created -> {
              Audit.resourceId(ctx, created.token().id());
              ApiRouter.created(
                  ctx,
                  "/tokens/" + created.token().id(),
                  created.token().toJson(clock.instant()).put("token", created.secret()));
            })
        .onFailure(ctx::fail);
  }

  /** {@code scope: {pipelines: [names], labels: {k: v}}}, optional. */
  private static Optional<TokenScope> scope(JsonBody body) {
    if (!body.has("scope")) {
      return Optional.empty();
    }
    JsonBody scope = body.object("scope");
    Object names = scope.raw().getValue("pipelines");
    if (names != null
        && !(names instanceof io.vertx.core.json.JsonArray array
            && array.stream().allMatch(n -> n instanceof String))) {
      throw ValidationFailed.of("scope.pipelines", "must be a list of pipeline names");
    }
    java.util.List<String> pipelines =
        names == null
            ? java.util.List.of()
            : ((io.vertx.core.json.JsonArray) names).stream().map(String::valueOf).toList();
    return Optional.of(new TokenScope(pipelines, scope.stringMap("labels")));
  }

  private void revoke(RoutingContext ctx) {
    tokens
        .revoke(ApiRouter.principal(ctx), Query.id(ctx, "id", "API token"))
        .onSuccess(token -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }
}
