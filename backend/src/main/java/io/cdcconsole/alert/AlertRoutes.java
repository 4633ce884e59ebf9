package io.cdcconsole.alert;

import io.cdcconsole.access.Role;
import io.cdcconsole.audit.Audit;
import io.cdcconsole.error.ValidationFailed;
import io.cdcconsole.store.Page;
import io.cdcconsole.store.PageRequest;
import io.cdcconsole.validation.Labels;
import io.cdcconsole.web.ApiRouter;
import io.cdcconsole.web.JsonBody;
import io.cdcconsole.web.Query;
import io.cdcconsole.web.Versions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;

/**
 * {@code /alert-channels} (admins; viewers see names only), {@code /alert-rules} and {@code
 * /alert-silences} (operators), {@code /alerts} (what fires now) and {@code /alert-deliveries}.
 * Channels, rules and silences are versioned like every other resource (see {@link Versions}).
 */
public final class AlertRoutes {
  private static final Set<String> STATUSES = Set.of("PENDING", "DELIVERED", "FAILED");
  private final AlertService alerts;

  public AlertRoutes(AlertService alerts) {
    this.alerts = alerts;
  }

  public void addRoutes(ApiRouter api) {
    api.get(
        "/alert-channels",
        Role.VIEWER,
        ctx -> {
          PageRequest page = Query.page(ctx);
          boolean admin = ApiRouter.principal(ctx).role().atLeast(Role.ADMIN);
          ApiRouter.respond(
              ctx,
              alerts
                  .channels()
                  .map(all -> Page.slice(all, page).toJson(c -> admin ? c.toJson() : c.brief())));
        });
    api.post(
        "/alert-channels",
        Role.ADMIN,
        "alert-channel.create",
        ctx -> {
          JsonBody body = JsonBody.of(ctx);
          String name = body.requiredString("name");
          String type = body.requiredString("type");
          Audit.detail(ctx, new JsonObject().put("name", name).put("type", type));
          alerts
              .addChannel(name, type, config(body), body.string("description").orElse(""))
              .onSuccess(
                  c -> {
                    Audit.resourceId(ctx, c.id());
                    Versions.etag(ctx, c.version());
                    ApiRouter.created(ctx, "/alert-channels/" + c.name(), c.toJson());
                  })
              .onFailure(ctx::fail);
        });
    api.get(
        "/alert-channels/:name",
        Role.VIEWER,
        ctx -> {
          boolean admin = ApiRouter.principal(ctx).role().atLeast(Role.ADMIN);
          ApiRouter.reply(
              ctx,
              alerts.channel(ctx.pathParam("name")),
              c -> {
                Versions.etag(ctx, c.version());
                ApiRouter.json(ctx, 200, admin ? c.toJson() : c.brief());
              });
        });
    api.put(
        "/alert-channels/:name",
        Role.ADMIN,
        "alert-channel.update",
        ctx -> {
          int ifMatch = Versions.requireIfMatch(ctx, "alert channel");
          JsonBody body = JsonBody.of(ctx);
          Audit.detail(ctx, new JsonObject().put("name", ctx.pathParam("name")));
          ApiRouter.reply(
              ctx,
              alerts.updateChannel(
                  ctx.pathParam("name"),
                  ifMatch,
                  config(body),
                  body.string("description").orElse(null)),
              c -> {
                Versions.etag(ctx, c.version());
                ApiRouter.json(ctx, 200, c.toJson());
              });
        });
    api.post(
        "/alert-channels/:name/test",
        Role.ADMIN,
        "alert-channel.test",
        ctx ->
            ApiRouter.respond(
                ctx,
                alerts
                    .testChannel(ctx.pathParam("name"), ApiRouter.principal(ctx).username())
                    .map(AlertChannelCheck::toJson)));
    api.delete(
        "/alert-channels/:name",
        Role.ADMIN,
        "alert-channel.delete",
        ctx -> {
          int ifMatch = Versions.requireIfMatch(ctx, "alert channel");
          Audit.resourceId(ctx, ctx.pathParam("name"));
          ApiRouter.reply(
              ctx,
              alerts.deleteChannel(ctx.pathParam("name"), ifMatch),
              v -> ctx.response().setStatusCode(204).end());
        });

    api.get(
        "/alert-rules",
        Role.VIEWER,
        ctx -> {
          PageRequest page = Query.page(ctx);
          ApiRouter.respond(
              ctx, alerts.rules().map(all -> Page.slice(all, page).toJson(AlertRule::toJson)));
        });
    api.post(
        "/alert-rules",
        Role.OPERATOR,
        "alert-rule.create",
        ctx ->
            alerts
                .addRule(spec(JsonBody.of(ctx)), ApiRouter.principal(ctx).username())
                .onSuccess(
                    r -> {
                      Audit.resourceId(ctx, r.id());
                      Versions.etag(ctx, r.version());
                      ApiRouter.created(ctx, "/alert-rules/" + r.id(), r.toJson());
                    })
                .onFailure(ctx::fail));
    api.get(
        "/alert-rules/:ruleId",
        Role.VIEWER,
        ctx ->
            ApiRouter.reply(
                ctx,
                alerts.rule(Query.id(ctx, "ruleId", "alert rule")),
                r -> {
                  Versions.etag(ctx, r.version());
                  ApiRouter.json(ctx, 200, r.toJson());
                }));
    api.put(
        "/alert-rules/:ruleId",
        Role.OPERATOR,
        "alert-rule.update",
        ctx -> {
          long id = Query.id(ctx, "ruleId", "alert rule");
          int ifMatch = Versions.requireIfMatch(ctx, "alert rule");
          Audit.resourceId(ctx, id);
          ApiRouter.reply(
              ctx,
              alerts.updateRule(id, ifMatch, spec(JsonBody.of(ctx))),
              r -> {
                Versions.etag(ctx, r.version());
                ApiRouter.json(ctx, 200, r.toJson());
              });
        });
    api.delete(
        "/alert-rules/:ruleId",
        Role.OPERATOR,
        "alert-rule.delete",
        ctx -> {
          long id = Query.id(ctx, "ruleId", "alert rule");
          int ifMatch = Versions.requireIfMatch(ctx, "alert rule");
          Audit.resourceId(ctx, id);
          ApiRouter.reply(
              ctx, alerts.deleteRule(id, ifMatch), v -> ctx.response().setStatusCode(204).end());
        });

    api.get(
        "/alert-silences",
        Role.VIEWER,
        ctx -> {
          PageRequest page = Query.page(ctx);
          ApiRouter.respond(
              ctx,
              alerts.silences().map(all -> Page.slice(all, page).toJson(AlertSilence::toJson)));
        });
    api.post(
        "/alert-silences",
        Role.OPERATOR,
        "alert-silence.create",
        ctx -> {
          JsonBody body = JsonBody.of(ctx);
          alerts
              .addSilence(
                  body.requiredString("pipeline"),
                  body.instant("until")
                      .orElseThrow(() -> ValidationFailed.of("until", "is required")),
                  body.string("reason").orElse(""),
                  ApiRouter.principal(ctx).username())
              .onSuccess(
                  s -> {
                    Audit.resourceId(ctx, s.id());
                    Versions.etag(ctx, s.version());
                    ApiRouter.created(ctx, "/alert-silences/" + s.id(), s.toJson());
                  })
              .onFailure(ctx::fail);
        });
    api.get(
        "/alert-silences/:silenceId",
        Role.VIEWER,
        ctx ->
            ApiRouter.reply(
                ctx,
                alerts.silence(Query.id(ctx, "silenceId", "silence")),
                s -> {
                  Versions.etag(ctx, s.version());
                  ApiRouter.json(ctx, 200, s.toJson());
                }));
    // silences are not edited: the delete takes If-Match all the same, like every other delete
    api.delete(
        "/alert-silences/:silenceId",
        Role.OPERATOR,
        "alert-silence.delete",
        ctx -> {
          long id = Query.id(ctx, "silenceId", "silence");
          int ifMatch = Versions.requireIfMatch(ctx, "silence");
          Audit.resourceId(ctx, id);
          ApiRouter.reply(
              ctx, alerts.deleteSilence(id, ifMatch), v -> ctx.response().setStatusCode(204).end());
        });

    api.get(
        "/alerts",
        Role.VIEWER,
        ctx -> {
          PageRequest page = Query.page(ctx);
          ApiRouter.respond(
              ctx, alerts.firing().map(all -> Page.slice(all, page).toJson(FiringAlert::toJson)));
        });

    api.get(
        "/alert-deliveries",
        Role.VIEWER,
        ctx -> {
          PageRequest page = Query.page(ctx);
          String status = Query.string(ctx, "status").orElse(null);
          if (status != null && !STATUSES.contains(status)) {
            throw ValidationFailed.of("status", "must be PENDING, DELIVERED or FAILED");
          }
          ApiRouter.respond(
              ctx, alerts.deliveries(status, page).map(p -> p.toJson(AlertDelivery::toJson)));
        });
    api.post(
        "/alert-deliveries/:deliveryId/retry",
        Role.OPERATOR,
        "alert-delivery.retry",
        ctx -> {
          long id = Query.id(ctx, "deliveryId", "alert delivery");
          Audit.resourceId(ctx, id);
          ApiRouter.respond(ctx, alerts.retryDelivery(id).map(AlertDelivery::toJson));
        });
  }

  private static JsonObject config(JsonBody body) {
    Object config = body.raw().getValue("config");
    if (!(config instanceof JsonObject json)) {
      throw ValidationFailed.of("config", "is required: the channel's settings");
    }
    return json;
  }

  private static AlertService.RuleSpec spec(JsonBody body) {
    JsonArray values = body.raw().getValue("values") instanceof JsonArray a ? a : new JsonArray();
    JsonArray channels =
        body.raw().getValue("channels") instanceof JsonArray a ? a : new JsonArray();
    return new AlertService.RuleSpec(
        body.requiredString("name"),
        body.string("pipeline").orElse(null),
        Labels.parse(
            "selector", body.raw().getValue("selector") instanceof JsonObject s ? s : null),
        body.requiredString("kind"),
        strings("values", values),
        body.integer("thresholdMs", 1, Long.MAX_VALUE).orElse(null),
        body.integer("periods", 1, 1000).orElse(1L).intValue(),
        body.integer("restarts", 0, 100_000).map(Long::intValue).orElse(null),
        body.integer("windowMs", 1000, 30L * 24 * 3600 * 1000).orElse(null),
        body.string("severity").orElse("WARNING"),
        body.integer("forMs", 0, 7L * 24 * 3600 * 1000).orElse(0L),
        body.integer("repeatMs", 0, 7L * 24 * 3600 * 1000).orElse(0L),
        body.bool("sendResolved").orElse(true),
        strings("channels", channels),
        body.instant("silencedUntil").orElse(null),
        body.bool("enabled").orElse(true));
  }

  private static List<String> strings(String field, JsonArray array) {
    return array.stream()
        .map(
            v -> {
              if (!(v instanceof String s)) {
                throw ValidationFailed.of(field, "must be a list of strings");
              }
              return s;
            })
        .distinct()
        .toList();
  }
}
