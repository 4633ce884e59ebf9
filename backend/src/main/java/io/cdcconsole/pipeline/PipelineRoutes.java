package io.cdcconsole.pipeline;

import io.cdcconsole.access.Role;
import io.cdcconsole.audit.Audit;
import io.cdcconsole.error.FieldError;
import io.cdcconsole.error.Forbidden;
import io.cdcconsole.error.NotFound;
import io.cdcconsole.error.ValidationFailed;
import io.cdcconsole.store.Page;
import io.cdcconsole.store.PageRequest;
import io.cdcconsole.validation.Labels;
import io.cdcconsole.web.ApiRouter;
import io.cdcconsole.web.JsonBody;
import io.cdcconsole.web.Query;
import io.cdcconsole.web.Versions;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code /pipelines}: viewers read (secrets masked), operators write, admins may reveal secrets. A
 * pipeline is named in paths by its id or its name.
 */
public final class PipelineRoutes {
  private final PipelineService pipelines;
  private final List<String> runStates;

  /** {@code runStates}: the names a {@code state} filter may use (besides {@code NONE}). */
  public PipelineRoutes(PipelineService pipelines, List<String> runStates) {
    this.pipelines = pipelines;
    this.runStates = List.copyOf(runStates);
  }

  public void addRoutes(ApiRouter api) {
    api.get("/pipelines", Role.VIEWER, this::list);
    api.post("/pipelines/validate", Role.VIEWER, "pipeline.validate", this::validate);
    api.post("/pipelines/import", Role.OPERATOR, "pipeline.import", this::importFile);
    api.post("/pipelines", Role.OPERATOR, "pipeline.create", this::create);
    api.get("/pipelines/:id", Role.VIEWER, this::get);
    api.put("/pipelines/:id", Role.OPERATOR, "pipeline.update", this::update);
    api.delete("/pipelines/:id", Role.OPERATOR, "pipeline.delete", this::delete);
    api.get("/pipelines/:id/versions", Role.VIEWER, this::versions);
    api.get("/pipelines/:id/versions/:a/diff/:b", Role.VIEWER, this::diff);
    api.get("/pipelines/:id/versions/:n", Role.VIEWER, this::version);
    api.post(
        "/pipelines/:id/versions/:n/rollback", Role.OPERATOR, "pipeline.rollback", this::rollback);
    api.get("/pipelines/:id/export", Role.VIEWER, this::export);
    api.post("/pipelines/:id/reveal", Role.ADMIN, "pipeline.reveal-secrets", this::reveal);
  }

  private void list(RoutingContext ctx) {
    PipelineService.ListQuery query =
        new PipelineService.ListQuery(
            Query.string(ctx, "cluster"),
            Query.string(ctx, "label").map(Labels::filter),
            Query.string(ctx, "name"),
            states(ctx),
            Query.string(ctx, "stale").map(text -> Query.flag(ctx, "stale")),
            order(ctx));
    ApiRouter.reply(
        ctx,
        pipelines.list(query, Query.page(ctx)),
        page -> ApiRouter.json(ctx, 200, PipelineListJson.encode(page)));
  }

  /**
   * {@code state}: comma-separated run states of the current run, {@code NONE} for no run at all.
   */
  private Set<String> states(RoutingContext ctx) {
    Set<String> states = new TreeSet<>();
    for (String part :
        Query.string(ctx, "state").map(text -> text.split(",")).orElse(new String[0])) {
      String state = part.trim().toUpperCase(Locale.ROOT);
      if (state.isEmpty()) {
        continue;
      }
      if (!runStates.contains(state) && !PipelineStore.NO_RUN.equals(state)) {
        throw ValidationFailed.of(
            "state",
            "'"
                + part.trim()
                + "' is not a run state; use "
                + String.join(", ", runStates)
                + " or "
                + PipelineStore.NO_RUN);
      }
      states.add(state);
    }
    return states;
  }

  /** {@code sort}: name, updatedAt or state, descending with a leading '-'. */
  private static PipelineStore.Order order(RoutingContext ctx) {
    Optional<String> sort = Query.string(ctx, "sort");
    if (sort.isEmpty()) {
      return PipelineStore.Order.DEFAULT;
    }
    boolean descending = sort.get().startsWith("-");
    PipelineStore.Order.Key key =
        switch (descending ? sort.get().substring(1) : sort.get()) {
          case "name" -> PipelineStore.Order.Key.NAME;
          case "updatedAt" -> PipelineStore.Order.Key.UPDATED_AT;
          case "state" -> PipelineStore.Order.Key.STATE;
          default ->
              throw ValidationFailed.of(
                  "sort", "must be one of name, -name, updatedAt, -updatedAt, state, -state");
        };
    return new PipelineStore.Order(key, descending);
  }

  /**
   * Takes {@code {yaml, cluster}} as JSON, or the YAML itself as the body (any non-JSON content
   * type).
   */
  private void validate(RoutingContext ctx) {
    String yaml;
    Optional<String> cluster;
    if (isJson(ctx)) {
      JsonBody body = JsonBody.of(ctx);
      yaml = body.requiredString("yaml");
      cluster = clusterRef(body);
    } else {
      yaml = text(ctx);
      cluster = Query.string(ctx, "cluster");
    }
    ApiRouter.respond(
        ctx,
        pipelines
            .validate(yaml, cluster)
            .map(
                v ->
                    new JsonObject()
                        .put("valid", v.errors().isEmpty())
                        .put("errors", errors(v.errors()))
                        .put("warnings", errors(v.warnings()))));
  }

  private void create(RoutingContext ctx) {
    PipelineSpec spec = spec(JsonBody.of(ctx), Optional.empty());
    Audit.detail(ctx, new JsonObject().put("name", spec.name()));
    Future<PipelineService.Saved> saved = pipelines.create(ApiRouter.principal(ctx), spec);
    ApiRouter.reply(
        ctx,
        saved.compose(s -> view(s).map(json -> new Shown(s.pipeline(), json))),
        answer -> {
          Pipeline p = answer.pipeline();
          Audit.resourceId(ctx, p.id());
          Versions.etag(ctx, p.version());
          ApiRouter.created(ctx, "/pipelines/" + p.id(), answer.json());
        });
  }

  private void get(RoutingContext ctx) {
    ApiRouter.respond(
        ctx,
        pipelines
            .detail(ctx.pathParam("id"))
            .compose(
                d ->
                    pipelines
                        .masked(d.pipeline())
                        .map(
                            masked -> {
                              Versions.etag(ctx, d.pipeline().version());
                              return d.pipeline()
                                  .toJson(masked)
                                  .put(
                                      "currentRun",
                                      d.currentRun() == null ? null : d.currentRun().toJson());
                            })));
  }

  private void update(RoutingContext ctx) {
    int ifMatch = Versions.requireIfMatch(ctx, "pipeline");
    JsonBody body = JsonBody.of(ctx);
    ApiRouter.respond(
        ctx,
        pipelines
            .get(ctx.pathParam("id"))
            .compose(
                stored -> {
                  Audit.resourceId(ctx, stored.id());
                  PipelineSpec spec = spec(body, Optional.of(stored));
                  Audit.detail(
                      ctx, new JsonObject().put("name", spec.name()).put("fromVersion", ifMatch));
                  return pipelines.update(
                      ApiRouter.principal(ctx),
                      Long.toString(stored.id()),
                      spec,
                      ifMatch,
                      confirmRebind(ctx));
                })
            .compose(
                saved ->
                    view(saved)
                        .map(
                            json -> {
                              Versions.etag(ctx, saved.pipeline().version());
                              return json;
                            })));
  }

  private void delete(RoutingContext ctx) {
    int ifMatch = Versions.requireIfMatch(ctx, "pipeline");
    ApiRouter.reply(
        ctx,
        pipelines.delete(ctx.pathParam("id"), ifMatch),
        v -> ctx.response().setStatusCode(204).end());
  }

  private void versions(RoutingContext ctx) {
    PageRequest page = Query.page(ctx);
    ApiRouter.respond(
        ctx,
        pipelines
            .versions(ctx.pathParam("id"))
            .map(all -> Page.slice(all, page).toJson(v -> v.toJson(null))));
  }

  private void version(RoutingContext ctx) {
    ApiRouter.respond(
        ctx,
        pipelines
            .version(ctx.pathParam("id"), versionParam(ctx, "n"))
            .compose(v -> pipelines.masked(v.yaml()).map(v::toJson)));
  }

  private void diff(RoutingContext ctx) {
    int a = versionParam(ctx, "a");
    int b = versionParam(ctx, "b");
    ApiRouter.respond(
        ctx,
        pipelines
            .diff(ctx.pathParam("id"), a, b)
            .map(diff -> new JsonObject().put("from", a).put("to", b).put("diff", diff)));
  }

  private void rollback(RoutingContext ctx) {
    int ifMatch = Versions.requireIfMatch(ctx, "pipeline");
    int to = versionParam(ctx, "n");
    Audit.detail(ctx, new JsonObject().put("toVersion", to));
    ApiRouter.respond(
        ctx,
        pipelines
            .rollback(ApiRouter.principal(ctx), ctx.pathParam("id"), to, ifMatch)
            .compose(
                saved ->
                    view(saved)
                        .map(
                            json -> {
                              Versions.etag(ctx, saved.pipeline().version());
                              return json;
                            })));
  }

  /**
   * {@code ?secrets=encrypted} keeps ENC(...) values, for admins only: an operator could paste them
   * into another pipeline pointed at a host of their choosing (review M8). The default masks them.
   */
  private void export(RoutingContext ctx) {
    String mode = Query.string(ctx, "secrets").orElse("masked");
    if (!mode.equals("masked") && !mode.equals("encrypted")) {
      throw ValidationFailed.of("secrets", "must be masked or encrypted");
    }
    boolean encrypted = mode.equals("encrypted");
    if (encrypted && !ApiRouter.principal(ctx).role().atLeast(Role.ADMIN)) {
      throw new Forbidden("Exporting encrypted secrets needs the admin role.");
    }
    String id = ctx.pathParam("id");
    ApiRouter.reply(
        ctx,
        pipelines.export(id, encrypted),
        file ->
            ctx.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/yaml; charset=utf-8")
                .putHeader(
                    "Content-Disposition",
                    "attachment; filename=\"" + id.replaceAll("[^a-z0-9-]", "") + ".yaml\"")
                .end(file));
  }

  /**
   * The body is the export file (YAML); {@code ?name=} and {@code ?cluster=} override its header.
   */
  private void importFile(RoutingContext ctx) {
    String text = text(ctx);
    Future<PipelineService.Saved> saved =
        pipelines.importFile(
            ApiRouter.principal(ctx),
            text,
            Query.string(ctx, "name"),
            Query.string(ctx, "cluster"),
            confirmRebind(ctx));
    ApiRouter.reply(
        ctx,
        saved.compose(s -> view(s).map(json -> new Shown(s.pipeline(), json))),
        answer -> {
          Pipeline p = answer.pipeline();
          Audit.resourceId(ctx, p.id());
          Audit.detail(ctx, new JsonObject().put("name", p.name()).put("version", p.version()));
          Versions.etag(ctx, p.version());
          if (p.version() == 1) {
            ApiRouter.created(ctx, "/pipelines/" + p.id(), answer.json());
          } else {
            ApiRouter.json(ctx, 200, answer.json());
          }
        });
  }

  private void reveal(RoutingContext ctx) {
    ApiRouter.respond(
        ctx,
        pipelines
            .reveal(ctx.pathParam("id"))
            .map(
                values -> {
                  JsonObject secrets = new JsonObject();
                  values.forEach(secrets::put);
                  return new JsonObject().put("secrets", secrets);
                }));
  }

  /** A saved pipeline and its JSON view. */
  private record Shown(Pipeline pipeline, JsonObject json) {}

  /** A saved pipeline as answers show it: masked on a worker thread, like every read. */
  private Future<JsonObject> view(PipelineService.Saved saved) {
    return pipelines
        .masked(saved.pipeline().yaml())
        .map(masked -> saved.pipeline().toJson(masked).put("warnings", errors(saved.warnings())));
  }

  /** The definition from a JSON body; on update, absent fields keep their stored values. */
  private static PipelineSpec spec(JsonBody body, Optional<Pipeline> stored) {
    return new PipelineSpec(
        body.string("name")
            .or(() -> stored.map(Pipeline::name))
            .orElseGet(() -> body.requiredString("name")),
        body.string("description").or(() -> stored.map(Pipeline::description)).orElse(""),
        clusterRef(body).or(() -> stored.map(p -> Long.toString(p.clusterId()))).orElse(null),
        body.has("labels")
            ? Labels.parse("labels", body.object("labels").raw())
            : stored.map(Pipeline::labels).orElse(Map.of()),
        body.string("yaml")
            .or(() -> stored.map(Pipeline::yaml))
            .orElseGet(() -> body.requiredString("yaml")),
        body.string("comment").orElse(""));
  }

  /** {@code clusterId} (number) or {@code cluster} (id or name). */
  private static Optional<String> clusterRef(JsonBody body) {
    return body.integer("clusterId", 1, Long.MAX_VALUE)
        .map(String::valueOf)
        .or(() -> body.string("cluster"));
  }

  /**
   * {@code ?confirmSecretRebind=true}: an admin lets kept secrets follow a changed connection
   * (review M8).
   */
  private static boolean confirmRebind(RoutingContext ctx) {
    return Query.flag(ctx, "confirmSecretRebind");
  }

  private static int versionParam(RoutingContext ctx, String name) {
    try {
      return Integer.parseInt(ctx.pathParam(name));
    } catch (NumberFormatException e) {
      throw new NotFound("No version '" + ctx.pathParam(name) + "'.");
    }
  }

  private static boolean isJson(RoutingContext ctx) {
    String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    return type != null && type.toLowerCase().contains("json");
  }

  private static String text(RoutingContext ctx) {
    return ctx.body().buffer() == null ? "" : ctx.body().buffer().toString(StandardCharsets.UTF_8);
  }

  private static JsonArray errors(List<FieldError> errors) {
    JsonArray array = new JsonArray();
    errors.forEach(e -> array.add(e.toJson()));
    return array;
  }
}
