package io.cdcconsole.audit;

import io.cdcconsole.auth.Principal;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one audit row for every mutating API call once its answer is sent, whatever the outcome (including calls
 * refused before any route ran). Routes name the action and may add the resource and a secret-free detail.
 */
public final class Audit implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(Audit.class);
  private static final Set<HttpMethod> MUTATING = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);
  private static final String ACTION = "cdc.audit.action";
  private static final String RESOURCE_ID = "cdc.audit.resourceId";
  private static final String ACTOR_NAME = "cdc.audit.actorName";
  private static final String DETAIL = "cdc.audit.detail";
  private static final String ALWAYS = "cdc.audit.always";
  /** Where the authenticated {@link Principal} is kept on the routing context. */
  public static final String PRINCIPAL = "cdc.principal";

  private final AuditStore store;

  public Audit(AuditStore store) {
    this.store = store;
  }

  /** Names the action, as {@code <resource type>.<verb>} (e.g. {@code user.create}). */
  public static void action(RoutingContext ctx, String action) {
    ctx.put(ACTION, action);
  }

  public static void resourceId(RoutingContext ctx, Object id) {
    ctx.put(RESOURCE_ID, String.valueOf(id));
  }

  /** For calls made before anyone is authenticated, such as sign-in: the name the caller claimed. */
  public static void actorName(RoutingContext ctx, String name) {
    ctx.put(ACTOR_NAME, name);
  }

  /** Audits this call even if it changes nothing (a scheduler's status check). */
  public static void always(RoutingContext ctx) {
    ctx.put(ALWAYS, true);
  }

  /** Secret-free facts worth keeping, such as the changed fields. */
  public static void detail(RoutingContext ctx, JsonObject detail) {
    ctx.put(DETAIL, detail);
  }

  @Override
  public void handle(RoutingContext ctx) {
    ctx.addEndHandler(done -> {
      if (MUTATING.contains(ctx.request().method()) || Boolean.TRUE.equals(ctx.get(ALWAYS))) {
        record(ctx);
      }
    });
    ctx.next();
  }

  private void record(RoutingContext ctx) {
    String action = ctx.get(ACTION);
    if (action == null) {
      action = ctx.request().method().name() + " " + ctx.request().path();
    }
    String resourceId = ctx.get(RESOURCE_ID);
    if (resourceId == null && ctx.pathParams().containsKey("id")) {
      resourceId = ctx.pathParam("id");
    }
    Principal principal = ctx.get(PRINCIPAL);
    int status = ctx.response().getStatusCode();
    AuditEvent event = new AuditEvent(null, Instant.now(),
        principal == null ? null : principal.userId(),
        principal == null ? ctx.get(ACTOR_NAME) : principal.username(),
        action,
        action.contains(".") ? action.substring(0, action.indexOf('.')) : null,
        resourceId,
        status < 400 ? "success" : status == 401 || status == 403 ? "denied" : "failure",
        status,
        ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress(),
        withToken(principal, ctx.get(DETAIL)));
    store.insert(event).onFailure(err ->
        LOG.error("Could not write the audit row for {} by {} (status {}): {}", event.action(), event.actorName(),
            status, err.getMessage()));
  }

  private static JsonObject withToken(Principal principal, JsonObject detail) {
    if (principal == null || !principal.viaToken()) {
      return detail;
    }
    JsonObject out = detail == null ? new JsonObject() : detail.copy();
    return out.put("viaTokenId", principal.tokenId());
  }
}
