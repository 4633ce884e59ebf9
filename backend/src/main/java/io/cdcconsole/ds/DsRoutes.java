package io.cdcconsole.ds;

import io.cdcconsole.access.Role;
import io.cdcconsole.audit.Audit;
import io.cdcconsole.health.HealthService;
import io.cdcconsole.pipeline.PipelineService;
import io.cdcconsole.run.RunService;
import io.cdcconsole.run.RunStore;
import io.cdcconsole.run.RunWaiter;
import io.cdcconsole.web.ApiRouter;
import io.cdcconsole.web.Problem;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.BiFunction;

/**
 * {@code /ds/start}, {@code /ds/stop}, {@code /ds/status}, {@code /ds/caught-up}: endpoints shaped
 * for DolphinScheduler's HTTP task (one request per attempt, success by status 200 or a body
 * marker). Each takes GET, POST or PUT, since a DS task can be set to any; every call is audited
 * with its DS ids.
 */
public final class DsRoutes {
  private static final List<HttpMethod> METHODS =
      List.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT);

  private final DsService ds;

  public DsRoutes(
      PipelineService pipelines,
      RunService runs,
      RunStore runStore,
      RunWaiter waiter,
      HealthService health) {
    this.ds = new DsService(pipelines, runs, runStore, waiter, health);
  }

  public void addRoutes(ApiRouter api) {
    for (HttpMethod method : METHODS) {
      api.automation(
          method,
          "/ds/start",
          Role.OPERATOR,
          "ds.start",
          DsRoutes::failed,
          ctx -> answer(ctx, ds::start));
      api.automation(
          method,
          "/ds/stop",
          Role.OPERATOR,
          "ds.stop",
          DsRoutes::failed,
          ctx -> answer(ctx, ds::stop));
      api.automation(
          method,
          "/ds/status",
          Role.VIEWER,
          "ds.status",
          DsRoutes::failed,
          ctx -> answer(ctx, ds::status));
      api.automation(
          method,
          "/ds/caught-up",
          Role.VIEWER,
          "ds.caughtUp",
          DsRoutes::failed,
          ctx -> answer(ctx, ds::caughtUp));
    }
  }

  /**
   * A DolphinScheduler task checks the body for the result marker: failures say so in the same
   * words.
   */
  static Problem failed(Problem problem) {
    return new Problem(
        problem.status(),
        problem.title(),
        problem.detail(),
        problem.extensions().copy().put("result", "FAILURE").put("reason", problem.detail()));
  }

  private static void answer(
      RoutingContext ctx,
      BiFunction<io.cdcconsole.access.Principal, DsParams, Future<DsOutcome>> call) {
    DsParams params = DsParams.of(ctx);
    Audit.detail(ctx, params.dsIds().put("pipeline", params.get("pipeline").orElse(null)));
    call.apply(ApiRouter.principal(ctx), params)
        .onSuccess(
            outcome -> {
              if (outcome.run() != null) {
                Audit.resourceId(ctx, outcome.run().id());
              }
              if (outcome.success()) {
                ApiRouter.json(ctx, 200, outcome.fields().put("message", outcome.message()));
              } else {
                new Problem(
                        outcome.failureStatus(),
                        "DolphinScheduler task failed",
                        outcome.message(),
                        outcome.fields().put("reason", outcome.message()))
                    .send(ctx.response(), ctx.request().path());
              }
            })
        .onFailure(ctx::fail);
  }
}
