package io.cdcconsole.run;

import io.cdcconsole.access.Role;
import io.cdcconsole.audit.Audit;
import io.cdcconsole.error.NotFound;
import io.cdcconsole.store.Page;
import io.cdcconsole.store.PageRequest;
import io.cdcconsole.web.ApiRouter;
import io.cdcconsole.web.JsonBody;
import io.cdcconsole.web.Query;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.function.Function;

/**
 * Runs: start ({@code POST /pipelines/{id}/runs}), cancel, stop, savepoint — all answer 202 with
 * the run's {@code Location} and finish in the background — and the runs, their history and the
 * savepoint ledger to read.
 */
public final class RunRoutes {
  private final RunService runs;
  private final RunWatcher watcher;
  private final SavepointSchedules schedules;
  // what other capabilities add to a run's details (its health)
  private Function<JsonObject, Future<JsonObject>> extras = Future::succeededFuture;

  public RunRoutes(RunService runs, RunWatcher watcher, SavepointSchedules schedules) {
    this.runs = runs;
    this.watcher = watcher;
    this.schedules = schedules;
  }

  public void addRoutes(ApiRouter api) {
    api.post("/pipelines/:id/runs", Role.OPERATOR, "run.start", this::start);
    api.get(
        "/pipelines/:id/runs",
        Role.VIEWER,
        ctx ->
            ApiRouter.respond(
                ctx,
                runs.list(ctx.pathParam("id"), Query.page(ctx))
                    .map(page -> page.toJson(Run::toJson))));
    api.get(
        "/runs/:runId",
        Role.VIEWER,
        ctx ->
            ApiRouter.respond(
                ctx, runs.details(runId(ctx)).map(RunDetails::toJson).compose(extras)));
    api.post(
        "/pipelines/:id/cancel",
        Role.OPERATOR,
        "run.cancel",
        ctx -> accepted(ctx, runs.cancel(ApiRouter.principal(ctx), ctx.pathParam("id"))));
    api.post("/pipelines/:id/stop", Role.OPERATOR, "run.stop", this::stop);
    api.post(
        "/pipelines/:id/savepoints",
        Role.OPERATOR,
        "run.savepoint",
        ctx -> {
          JsonBody body = optionalBody(ctx);
          accepted(
              ctx,
              runs.savepoint(
                  ApiRouter.principal(ctx),
                  ctx.pathParam("id"),
                  body == null ? Optional.empty() : body.string("targetDirectory")));
        });
    api.get(
        "/pipelines/:id/savepoints",
        Role.VIEWER,
        ctx ->
            ApiRouter.respond(ctx, runs.ledger(ctx.pathParam("id")).map(SavepointLedger::toJson)));
    api.get(
        "/pipelines/:id/savepoint-schedule",
        Role.VIEWER,
        ctx -> ApiRouter.respond(ctx, schedules.ofPipeline(ctx.pathParam("id"))));
    api.put(
        "/pipelines/:id/savepoint-schedule",
        Role.OPERATOR,
        "pipeline.savepoint-schedule",
        ctx -> {
          JsonObject body = JsonBody.of(ctx).raw();
          Audit.detail(
              ctx,
              new JsonObject()
                  .put("interval", body.getValue("interval") instanceof String s ? s : null));
          ApiRouter.respond(ctx, schedules.setPipeline(ctx.pathParam("id"), body));
        });
    api.get(
        "/clusters/:id/savepoint-schedule",
        Role.VIEWER,
        ctx -> ApiRouter.respond(ctx, schedules.ofCluster(ctx.pathParam("id"))));
    api.put(
        "/clusters/:id/savepoint-schedule",
        Role.ADMIN,
        "cluster.savepoint-schedule",
        ctx -> {
          JsonObject body = JsonBody.of(ctx).raw();
          Audit.detail(
              ctx,
              new JsonObject()
                  .put("interval", body.getValue("interval") instanceof String s ? s : null));
          ApiRouter.respond(ctx, schedules.setCluster(ctx.pathParam("id"), body));
        });
    api.get(
        "/transitions",
        Role.VIEWER,
        ctx ->
            ApiRouter.respond(
                ctx,
                runs.transitions(Query.string(ctx, "pipeline"), Query.page(ctx))
                    .map(page -> page.toJson(RunTransition::toJson))));
    api.get(
        "/orphans",
        Role.VIEWER,
        ctx -> {
          PageRequest page = Query.page(ctx);
          ApiRouter.respond(
              ctx, runs.orphans().map(all -> Page.slice(all, page).toJson(Orphan::toJson)));
        });
    api.post(
        "/pipelines/:id/adopt",
        Role.OPERATOR,
        "run.adopt",
        ctx ->
            accepted(
                ctx,
                runs.adopt(
                    ApiRouter.principal(ctx),
                    ctx.pathParam("id"),
                    JsonBody.of(ctx).requiredString("jobId"))));
  }

  /** Adds to every run details answer what {@code extras} puts in (set before the routes serve). */
  public void extendDetails(Function<JsonObject, Future<JsonObject>> extras) {
    this.extras = extras;
  }

  private void start(RoutingContext ctx) {
    JsonBody body = optionalBody(ctx);
    RunService.StartOptions options =
        body == null
            ? new RunService.StartOptions(Optional.empty(), false, new JsonObject())
            : new RunService.StartOptions(
                body.string("fromSavepoint"),
                body.bool("allowNonRestoredState").orElse(false),
                flinkConfiguration(body));
    Optional<String> key =
        Optional.ofNullable(ctx.request().getHeader("Idempotency-Key")).filter(k -> !k.isBlank());
    Audit.detail(
        ctx,
        new JsonObject()
            .put("pipeline", ctx.pathParam("id"))
            .put("fromSavepoint", options.fromSavepoint().orElse(null)));
    accepted(ctx, runs.start(ApiRouter.principal(ctx), ctx.pathParam("id"), options, key));
  }

  private void stop(RoutingContext ctx) {
    JsonBody body = optionalBody(ctx);
    RunService.StopOptions options =
        body == null
            ? new RunService.StopOptions(true, false, Optional.empty())
            : new RunService.StopOptions(
                body.bool("savepoint").orElse(true),
                body.bool("drain").orElse(false),
                body.string("targetDirectory"));
    accepted(ctx, runs.stop(ApiRouter.principal(ctx), ctx.pathParam("id"), options));
  }

  /** 202 with the run and where to follow it. */
  private void accepted(RoutingContext ctx, Future<Run> run) {
    ApiRouter.reply(
        ctx,
        run,
        r -> {
          Audit.resourceId(ctx, r.id());
          watcher.hurry(r.clusterId());
          ctx.response().putHeader(HttpHeaders.LOCATION, ApiRouter.PREFIX + "/runs/" + r.id());
          ApiRouter.json(ctx, 202, r.toJson());
        });
  }

  /**
   * Flink settings for the job (e.g. {@code execution.checkpointing.interval}): string values only.
   */
  private static JsonObject flinkConfiguration(JsonBody body) {
    JsonObject config = new JsonObject();
    body.stringMap("flinkConfiguration").forEach(config::put);
    return config;
  }

  private static JsonBody optionalBody(RoutingContext ctx) {
    return ctx.body().buffer() == null || ctx.body().buffer().length() == 0
        ? null
        : JsonBody.of(ctx);
  }

  private static long runId(RoutingContext ctx) {
    try {
      return Long.parseLong(ctx.pathParam("runId"));
    } catch (NumberFormatException e) {
      throw new NotFound("No run '" + ctx.pathParam("runId") + "'.");
    }
  }
}
