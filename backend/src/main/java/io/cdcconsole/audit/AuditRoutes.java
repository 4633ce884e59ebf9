package io.cdcconsole.audit;

import io.cdcconsole.auth.Role;
import io.cdcconsole.error.ValidationFailed;
import io.cdcconsole.web.ApiRouter;
import io.cdcconsole.web.Query;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/** {@code GET /audit} for admins, with filters and paging. */
public final class AuditRoutes {
  private static final Set<String> OUTCOMES = Set.of("success", "failure", "denied");

  private final AuditStore store;

  public AuditRoutes(AuditStore store) {
    this.store = store;
  }

  public void addRoutes(ApiRouter api) {
    api.get("/audit", Role.ADMIN, this::list);
  }

  private void list(RoutingContext ctx) {
    var outcome = Query.string(ctx, "outcome");
    if (outcome.isPresent() && !OUTCOMES.contains(outcome.get())) {
      throw ValidationFailed.of("outcome", "must be one of success, failure, denied");
    }
    AuditQuery query = new AuditQuery(Query.string(ctx, "actor"), Query.string(ctx, "action"),
        Query.string(ctx, "resourceType"), Query.string(ctx, "resourceId"), outcome,
        Query.instant(ctx, "since"), Query.instant(ctx, "until"));
    ApiRouter.respond(ctx, store.find(query, Query.page(ctx)).map(page -> page.toJson(AuditEvent::toJson)));
  }
}
