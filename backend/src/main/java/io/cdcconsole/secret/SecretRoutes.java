package io.cdcconsole.secret;

import io.cdcconsole.access.Role;
import io.cdcconsole.audit.Audit;
import io.cdcconsole.store.Page;
import io.cdcconsole.store.PageRequest;
import io.cdcconsole.web.ApiRouter;
import io.cdcconsole.web.JsonBody;
import io.cdcconsole.web.Query;
import io.cdcconsole.web.Versions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /secrets}: names and where they are used are readable by everyone; values are write-only,
 * for admins.
 */
public final class SecretRoutes {
  private final SecretService secrets;

  public SecretRoutes(SecretService secrets) {
    this.secrets = secrets;
  }

  public void addRoutes(ApiRouter api) {
    api.get(
        "/secrets",
        Role.VIEWER,
        ctx -> {
          PageRequest page = Query.page(ctx);
          ApiRouter.respond(
              ctx, secrets.list().map(all -> Page.slice(all, page).toJson(NamedSecret::toJson)));
        });
    api.get(
        "/secrets/:name",
        Role.VIEWER,
        ctx ->
            ApiRouter.reply(
                ctx,
                secrets.get(ctx.pathParam("name")),
                secret -> {
                  Versions.etag(ctx, secret.version());
                  ApiRouter.json(ctx, 200, secret.toJson());
                }));
    api.put("/secrets/:name", Role.ADMIN, "secret.put", this::put);
    api.delete("/secrets/:name", Role.ADMIN, "secret.delete", this::delete);
  }

  /** Creates a secret (no If-Match) or replaces one (If-Match: its version). */
  private void put(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    JsonBody body = JsonBody.of(ctx);
    Audit.resourceId(ctx, name);
    ApiRouter.reply(
        ctx,
        secrets.put(
            name,
            body.requiredString("value"),
            body.string("description").orElse(""),
            ApiRouter.principal(ctx).username(),
            Versions.ifMatch(ctx)),
        saved -> {
          JsonObject json =
              new JsonObject()
                  .put("name", name)
                  .put("created", saved.created())
                  .put("version", saved.version());
          Versions.etag(ctx, saved.version());
          if (saved.created()) {
            ApiRouter.created(ctx, "/secrets/" + name, json);
          } else {
            ApiRouter.json(ctx, 200, json);
          }
        });
  }

  private void delete(RoutingContext ctx) {
    int ifMatch = Versions.requireIfMatch(ctx, "secret");
    Audit.resourceId(ctx, ctx.pathParam("name"));
    ApiRouter.reply(
        ctx,
        secrets.delete(ctx.pathParam("name"), ifMatch),
        v -> ctx.response().setStatusCode(204).end());
  }
}
