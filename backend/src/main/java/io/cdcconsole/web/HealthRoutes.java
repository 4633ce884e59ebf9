package io.cdcconsole.web;

import io.cdcconsole.store.Database;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /health}: the process answers. {@code /ready}: the database answers and start-up
 * (migrations) is done; 503 otherwise, so a load balancer or orchestrator holds traffic back.
 */
public final class HealthRoutes {
  private final Database database;
  private final java.util.function.BooleanSupplier reconciled;

  /**
   * {@code reconciled}: start-up has looked at every run that was active when the console stopped.
   */
  public HealthRoutes(Database database, java.util.function.BooleanSupplier reconciled) {
    this.database = database;
    this.reconciled = reconciled;
  }

  public void addRoutes(Router router) {
    router
        .get("/health")
        .handler(ctx -> ApiRouter.json(ctx, 200, new JsonObject().put("status", "UP")));
    router.get("/ready").handler(this::ready);
  }

  private void ready(RoutingContext ctx) {
    database
        .ping()
        .onComplete(
            ar -> {
              boolean up = ar.succeeded() && ar.result();
              boolean runsResolved = reconciled.getAsBoolean();
              // migrations ran before the HTTP server opened, so a listening server has them done
              JsonObject checks =
                  new JsonObject()
                      .put("database", up ? "UP" : "DOWN")
                      .put("migrations", "DONE")
                      .put("reconcile", runsResolved ? "DONE" : "PENDING");
              if (up && runsResolved) {
                ApiRouter.json(
                    ctx, 200, new JsonObject().put("status", "READY").put("checks", checks));
              } else {
                new Problem(
                        503,
                        "Service Unavailable",
                        up
                            ? "Start-up is still reconciling the runs that were active."
                            : "The database does not answer.",
                        new JsonObject().put("checks", checks))
                    .send(ctx.response().putHeader("Retry-After", "5"), "/ready");
              }
            });
  }
}
