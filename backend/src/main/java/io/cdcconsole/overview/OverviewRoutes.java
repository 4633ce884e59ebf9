package io.cdcconsole.overview;

import io.cdcconsole.access.Role;
import io.cdcconsole.cluster.ClusterHealth;
import io.cdcconsole.cluster.ClusterService;
import io.cdcconsole.web.ApiRouter;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;

/**
 * {@code GET /overview}: what the console's first page shows, in one request — pipelines by the
 * state of their current run, clusters by health, and the pipelines that need attention.
 */
public final class OverviewRoutes {
  private final OverviewStore store;
  private final ClusterService clusters;

  public OverviewRoutes(OverviewStore store, ClusterService clusters) {
    this.store = store;
    this.clusters = clusters;
  }

  public void addRoutes(ApiRouter api) {
    api.get("/overview", Role.VIEWER, ctx -> ApiRouter.respond(ctx, overview()));
  }

  private Future<JsonObject> overview() {
    Future<JsonObject> pipelines =
        store
            .pipelineCounts()
            .map(
                c ->
                    new JsonObject()
                        .put("total", c.total())
                        .put(
                            "byState",
                            new JsonObject(
                                new java.util.LinkedHashMap<String, Object>(c.byState())))
                        .put("stale", c.stale()));
    Future<JsonArray> attention =
        store
            .attention()
            .map(
                all -> {
                  JsonArray out = new JsonArray();
                  all.forEach(
                      a ->
                          out.add(
                              new JsonObject()
                                  .put("pipelineId", a.pipelineId())
                                  .put("pipeline", a.pipeline())
                                  .put("runId", a.runId())
                                  .put("state", a.state())
                                  .put("stale", a.stale())
                                  .put("lastError", a.lastError())
                                  .put("since", a.since())));
                  return out;
                });
    // cluster health lives in the health watcher's memory, not in the database: counted from there
    Future<JsonObject> clusterCounts = clusters.list().map(OverviewRoutes::clusterCounts);
    return Future.all(pipelines, clusterCounts, attention)
        .map(
            done ->
                new JsonObject()
                    .put("pipelines", pipelines.result())
                    .put("clusters", clusterCounts.result())
                    .put("attention", attention.result()));
  }

  private static JsonObject clusterCounts(List<ClusterService.Observed> all) {
    JsonObject byStatus = new JsonObject();
    Arrays.stream(ClusterHealth.Status.values()).forEach(s -> byStatus.put(s.name(), 0L));
    all.forEach(
        o ->
            byStatus.put(
                o.health().status().name(), byStatus.getLong(o.health().status().name()) + 1));
    return new JsonObject().put("total", (long) all.size()).put("byStatus", byStatus);
  }
}
