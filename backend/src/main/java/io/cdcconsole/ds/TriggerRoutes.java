package io.cdcconsole.ds;

import io.cdcconsole.access.Role;
import io.cdcconsole.audit.Audit;
import io.cdcconsole.store.Page;
import io.cdcconsole.store.PageRequest;
import io.cdcconsole.validation.Urls;
import io.cdcconsole.web.ApiRouter;
import io.cdcconsole.web.JsonBody;
import io.cdcconsole.web.Query;
import io.cdcconsole.web.Versions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;

/**
 * {@code /ds-connections} (admins), {@code /pipelines/{id}/triggers} (operators) and their
 * deliveries.
 */
public final class TriggerRoutes {
  private final TriggerService triggers;
  private final Supplier<String> consoleUrl;

  /**
   * {@code consoleUrl}: {@code console.url} or the console's own address; never the caller's Host
   * header (L7).
   */
  public TriggerRoutes(TriggerService triggers, Supplier<String> consoleUrl) {
    this.triggers = triggers;
    this.consoleUrl = consoleUrl;
  }

  public void addRoutes(ApiRouter api) {
    api.get(
        "/ds-connections",
        Role.VIEWER,
        ctx -> {
          PageRequest page = Query.page(ctx);
          ApiRouter.respond(
              ctx,
              triggers
                  .connections()
                  .map(all -> Page.slice(all, page).toJson(DsConnection::toJson)));
        });
    api.post("/ds-connections", Role.ADMIN, "ds-connection.create", this::addConnection);
    api.get(
        "/ds-connections/:name",
        Role.VIEWER,
        ctx ->
            ApiRouter.reply(
                ctx,
                triggers.found(ctx.pathParam("name")),
                c -> {
                  Versions.etag(ctx, c.revision());
                  ApiRouter.json(ctx, 200, c.toJson());
                }));
    api.put("/ds-connections/:name", Role.ADMIN, "ds-connection.update", this::updateConnection);
    api.post(
        "/ds-connections/:name/test",
        Role.ADMIN,
        "ds-connection.test",
        ctx ->
            ApiRouter.respond(
                ctx,
                triggers.testConnection(ctx.pathParam("name")).map(DsConnectionCheck::toJson)));
    api.delete(
        "/ds-connections/:name",
        Role.ADMIN,
        "ds-connection.delete",
        ctx -> {
          int ifMatch = Versions.requireIfMatch(ctx, "DolphinScheduler connection");
          Audit.resourceId(ctx, ctx.pathParam("name"));
          ApiRouter.reply(
              ctx,
              triggers.deleteConnection(ctx.pathParam("name"), ifMatch),
              v -> ctx.response().setStatusCode(204).end());
        });
    api.get(
        "/pipelines/:id/triggers",
        Role.VIEWER,
        ctx -> {
          PageRequest page = Query.page(ctx);
          ApiRouter.respond(
              ctx,
              triggers
                  .triggers(ctx.pathParam("id"))
                  .map(all -> Page.slice(all, page).toJson(DsTrigger::toJson)));
        });
    api.post("/pipelines/:id/triggers", Role.OPERATOR, "ds-trigger.create", this::addTrigger);
    api.get(
        "/pipelines/:id/triggers/:triggerId",
        Role.VIEWER,
        ctx ->
            ApiRouter.reply(
                ctx,
                triggers.trigger(ctx.pathParam("id"), Query.id(ctx, "triggerId", "trigger")),
                t -> {
                  Versions.etag(ctx, t.version());
                  ApiRouter.json(ctx, 200, t.toJson());
                }));
    api.put(
        "/pipelines/:id/triggers/:triggerId",
        Role.OPERATOR,
        "ds-trigger.update",
        ctx -> {
          long id = Query.id(ctx, "triggerId", "trigger");
          int ifMatch = Versions.requireIfMatch(ctx, "trigger");
          Audit.resourceId(ctx, id);
          ApiRouter.reply(
              ctx,
              triggers.updateTrigger(ctx.pathParam("id"), id, ifMatch, spec(JsonBody.of(ctx))),
              t -> {
                Versions.etag(ctx, t.version());
                ApiRouter.json(ctx, 200, t.toJson());
              });
        });
    api.delete(
        "/pipelines/:id/triggers/:triggerId",
        Role.OPERATOR,
        "ds-trigger.delete",
        ctx -> {
          long id = Query.id(ctx, "triggerId", "trigger");
          int ifMatch = Versions.requireIfMatch(ctx, "trigger");
          Audit.resourceId(ctx, id);
          ApiRouter.reply(
              ctx,
              triggers.deleteTrigger(ctx.pathParam("id"), id, ifMatch),
              v -> ctx.response().setStatusCode(204).end());
        });
    api.get("/pipelines/:id/ds-snippet", Role.VIEWER, this::snippet);
    api.get(
        "/pipelines/:id/deliveries",
        Role.VIEWER,
        ctx -> {
          PageRequest page = Query.page(ctx);
          ApiRouter.respond(
              ctx,
              triggers
                  .deliveries(ctx.pathParam("id"))
                  .map(all -> Page.slice(all, page).toJson(DsDelivery::toJson)));
        });
    api.post(
        "/pipelines/:id/deliveries/:deliveryId/retry",
        Role.OPERATOR,
        "ds-delivery.retry",
        ctx -> {
          long id = Query.id(ctx, "deliveryId", "delivery");
          Audit.resourceId(ctx, id);
          ApiRouter.respond(
              ctx, triggers.retryDelivery(ctx.pathParam("id"), id).map(DsDelivery::toJson));
        });
  }

  /** The DS HTTP task definitions for the pipeline, for {@code ?version=3.2|3.3} (default 3.3). */
  private void snippet(RoutingContext ctx) {
    String version = Query.string(ctx, "version").orElse("3.3");
    if (!version.equals("3.2") && !version.equals("3.3")) {
      throw io.cdcconsole.error.ValidationFailed.of("version", "must be 3.2 or 3.3");
    }
    ApiRouter.respond(
        ctx,
        triggers
            .pipelineName(ctx.pathParam("id"))
            .map(name -> DsSnippets.forPipeline(consoleUrl.get(), name, version)));
  }

  private void addConnection(RoutingContext ctx) {
    JsonBody body = JsonBody.of(ctx);
    String name = body.requiredString("name");
    Urls.withoutCredentials(
        "url", body.string("url").orElse(null), "the DolphinScheduler access token goes in token");
    Audit.detail(
        ctx, new JsonObject().put("name", name).put("url", body.string("url").orElse(null)));
    triggers
        .addConnection(
            name,
            body.requiredString("url"),
            body.requiredString("version"),
            body.requiredString("token"),
            body.string("description").orElse(""))
        .onSuccess(
            c -> {
              Audit.resourceId(ctx, c.id());
              Versions.etag(ctx, c.revision());
              ApiRouter.created(ctx, "/ds-connections/" + c.name(), c.toJson());
            })
        .onFailure(ctx::fail);
  }

  private void updateConnection(RoutingContext ctx) {
    JsonBody body = JsonBody.of(ctx);
    Urls.withoutCredentials(
        "url", body.string("url").orElse(null), "the DolphinScheduler access token goes in token");
    int ifMatch = Versions.requireIfMatch(ctx, "DolphinScheduler connection");
    Audit.detail(
        ctx,
        new JsonObject()
            .put("name", ctx.pathParam("name"))
            .put("url", body.string("url").orElse(null)));
    triggers
        .updateConnection(
            ctx.pathParam("name"),
            ifMatch,
            body.requiredString("url"),
            body.requiredString("version"),
            body.requiredString("token"),
            body.string("description").orElse(null))
        .onSuccess(
            c -> {
              Versions.etag(ctx, c.revision());
              ApiRouter.json(ctx, 200, c.toJson());
            })
        .onFailure(ctx::fail);
  }

  private void addTrigger(RoutingContext ctx) {
    triggers
        .addTrigger(
            ctx.pathParam("id"), spec(JsonBody.of(ctx)), ApiRouter.principal(ctx).username())
        .onSuccess(
            t -> {
              Audit.resourceId(ctx, t.id());
              Versions.etag(ctx, t.version());
              ApiRouter.created(
                  ctx, "/pipelines/" + t.pipelineId() + "/triggers/" + t.id(), t.toJson());
            })
        .onFailure(ctx::fail);
  }

  private static TriggerService.TriggerSpec spec(JsonBody body) {
    return new TriggerService.TriggerSpec(
        body.requiredString("connection"),
        body.requiredString("onState"),
        body.requiredString("projectCode"),
        body.requiredString("workflowCode"),
        body.stringMap("params"),
        body.bool("enabled").orElse(true));
  }
}
