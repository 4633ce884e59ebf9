package io.cdcconsole.cluster;

import io.cdcconsole.access.Role;
import io.cdcconsole.audit.Audit;
import io.cdcconsole.store.Page;
import io.cdcconsole.store.PageRequest;
import io.cdcconsole.validation.Labels;
import io.cdcconsole.validation.Urls;
import io.cdcconsole.web.ApiRouter;
import io.cdcconsole.web.JsonBody;
import io.cdcconsole.web.Query;
import io.cdcconsole.web.Versions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** {@code /clusters}: everyone reads (with health), admins write. */
public final class ClusterRoutes {
  private final ClusterService clusters;

  public ClusterRoutes(ClusterService clusters) {
    this.clusters = clusters;
  }

  public void addRoutes(ApiRouter api) {
    api.get("/clusters", Role.VIEWER, this::list);
    api.get("/clusters/:id", Role.VIEWER, this::get);
    api.post("/clusters", Role.ADMIN, "cluster.create", this::create);
    api.put("/clusters/:id", Role.ADMIN, "cluster.update", this::update);
    api.delete("/clusters/:id", Role.ADMIN, "cluster.delete", this::delete);
  }

  private void list(RoutingContext ctx) {
    var label = Query.string(ctx, "label").map(Labels::filter);
    PageRequest page = Query.page(ctx);
    ApiRouter.respond(
        ctx,
        clusters
            .list(label)
            .map(all -> Page.slice(all, page).toJson(o -> o.cluster().toJson(o.health()))));
  }

  /** {@code :id} is the cluster's id or its name ({@code store.IdOrName}). */
  private void get(RoutingContext ctx) {
    clusters
        .get(ctx.pathParam("id"))
        .onSuccess(
            o -> {
              Versions.etag(ctx, o.cluster().version());
              ApiRouter.json(ctx, 200, o.cluster().toJson(o.health()));
            })
        .onFailure(ctx::fail);
  }

  private void create(RoutingContext ctx) {
    ClusterSpec spec = spec(JsonBody.of(ctx));
    Audit.detail(ctx, new JsonObject().put("name", spec.name()).put("restUrl", spec.restUrl()));
    clusters
        .create(spec)
        .onSuccess(
            o -> {
              Audit.resourceId(ctx, o.cluster().id());
              Versions.etag(ctx, o.cluster().version());
              ApiRouter.created(
                  ctx, "/clusters/" + o.cluster().id(), o.cluster().toJson(o.health()));
            })
        .onFailure(ctx::fail);
  }

  private void update(RoutingContext ctx) {
    ClusterSpec spec = spec(JsonBody.of(ctx));
    int ifMatch = Versions.requireIfMatch(ctx, "cluster");
    Audit.detail(ctx, new JsonObject().put("name", spec.name()).put("restUrl", spec.restUrl()));
    clusters
        .update(ctx.pathParam("id"), spec, ifMatch)
        .onSuccess(
            o -> {
              Audit.resourceId(ctx, o.cluster().id());
              Versions.etag(ctx, o.cluster().version());
              ApiRouter.json(ctx, 200, o.cluster().toJson(o.health()));
            })
        .onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    int ifMatch = Versions.requireIfMatch(ctx, "cluster");
    Audit.resourceId(ctx, ctx.pathParam("id"));
    clusters
        .delete(ctx.pathParam("id"), ifMatch)
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private static ClusterSpec spec(JsonBody body) {
    JsonBody auth = body.object("auth");
    String type = auth.string("type").orElse("none");
    String secret =
        "bearer".equals(type)
            ? auth.string("token").orElse(null)
            : auth.string("password").orElse(null);
    JsonBody tls = body.object("tls");
    JsonBody cdc = body.object("cdc");
    return new ClusterSpec(
        body.requiredString("name"),
        Urls.withoutCredentials(
            "restUrl",
            body.requiredString("restUrl"),
            "give them in auth ({type: basic, username, password} or {type: bearer, token})"),
        new Cluster.Auth(type, auth.string("username").orElse(null), secret),
        body.stringMap("headers"),
        new Cluster.Tls(tls.bool("insecure").orElse(false), tls.string("caPem").orElse(null)),
        Labels.parse("labels", body.object("labels").raw()),
        body.string("description").orElse(""),
        new Cluster.Cdc(
            cdc.string("mode").orElse("provided"),
            cdc.string("version").filter(v -> !v.isBlank()).orElse(null)));
  }
}
