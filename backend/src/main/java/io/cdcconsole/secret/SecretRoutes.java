package io.cdcconsole.secret;

import io.cdcconsole.audit.Audit;
import io.cdcconsole.auth.Role;
import io.cdcconsole.store.Page;
import io.cdcconsole.store.PageRequest;
import io.cdcconsole.web.ApiRouter;
import io.cdcconsole.web.JsonBody;
import io.cdcconsole.web.Query;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** {@code /secrets}: names and where they are used are readable by everyone; values are write-only, for admins. */
public final class SecretRoutes {
  private final SecretService secrets;

  public SecretRoutes(SecretService secrets) {
    this.secrets = secrets;
  }

  public void addRoutes(ApiRouter api) {
    api.get("/secrets", Role.VIEWER, ctx -> {
      PageRequest page = Query.page(ctx);
      ApiRouter.respond(ctx, secrets.list().map(all -> Page.slice(all, page).toJson(NamedSecret::toJson)));
    });
    api.put("/secrets/:name", Role.ADMIN, "secret.put", this::put);
    api.delete("/secrets/:name", Role.ADMIN, "secret.delete", this::delete);
  }

  private void put(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    JsonBody body = JsonBody.of(ctx);
    Audit.resourceId(ctx, name);
    secrets.put(name, body.requiredString("value"), body.string("description").orElse(""),
            ApiRouter.principal(ctx).username())
        .onSuccess(created -> {
          JsonObject json = new JsonObject().put("name", name).put("created", created);
          if (created) {
            ApiRouter.created(ctx, "/secrets/" + name, json);
          } else {
            ApiRouter.json(ctx, 200, json);
          }
        })
        .onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    Audit.resourceId(ctx, ctx.pathParam("name"));
    secrets.delete(ctx.pathParam("name"))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }
}
