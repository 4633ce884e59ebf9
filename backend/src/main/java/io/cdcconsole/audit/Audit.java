package io.cdcconsole.audit;

import io.cdcconsole.access.Principal;
import io.cdcconsole.access.RequestContext;
import io.cdcconsole.validation.Text;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one audit row for every mutating API call once its answer is sent, whatever the outcome
 * (including calls refused before any route ran). Routes name the action and may add the resource
 * and a secret-free detail.
 */
public final class Audit implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(Audit.class);
  private static final Set<HttpMethod> MUTATING =
      Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);
  private static final String RESOURCE_ID = "cdc.audit.resourceId";
  private static final String ACTOR_NAME = "cdc.audit.actorName";
  private static final String DETAIL = "cdc.audit.detail";

  /**
   * The longest text kept in a row (actor, action, resource, each detail value); longer text is cut
   * and marked.
   */
  static final int MAX_TEXT = 256;

  private final AuditStore store;
  private final DeniedAudit denied;

  /**
   * {@code denied}: where denied calls without credentials are counted (null: one row each, as any
   * other call).
   */
  public Audit(AuditStore store, DeniedAudit denied) {
    this.store = store;
    this.denied = denied;
  }

  public static void resourceId(RoutingContext ctx, Object id) {
    ctx.put(RESOURCE_ID, String.valueOf(id));
  }

  /**
   * For calls made before anyone is authenticated, such as sign-in: the name the caller claimed.
   */
  public static void actorName(RoutingContext ctx, String name) {
    ctx.put(ACTOR_NAME, name);
  }

  /** Secret-free facts worth keeping, such as the changed fields. */
  public static void detail(RoutingContext ctx, JsonObject detail) {
    ctx.put(DETAIL, detail);
  }

  @Override
  public void handle(RoutingContext ctx) {
    ctx.addEndHandler(
        done -> {
          if (MUTATING.contains(ctx.request().method()) || RequestContext.auditedAlways(ctx)) {
            record(ctx);
          }
        });
    ctx.next();
  }

  private void record(RoutingContext ctx) {
    String action = RequestContext.action(ctx);
    if (action == null) {
      action = ctx.request().method().name() + " " + ctx.request().path();
    }
    String resourceId = ctx.get(RESOURCE_ID);
    if (resourceId == null && ctx.pathParams().containsKey("id")) {
      resourceId = ctx.pathParam("id");
    }
    Principal principal = RequestContext.principal(ctx);
    int status = ctx.response().getStatusCode();
    String address =
        ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress();
    if (denied != null
        && principal == null
        && ctx.get(ACTOR_NAME) == null
        && "denied".equals(outcome(status))) {
      // no credentials at all (a sign-in names who it claims to be and keeps its own row): counted,
      // not one row each
      denied.count(Text.sanitised(address, MAX_TEXT), Text.sanitised(action, MAX_TEXT), status);
      return;
    }
    write(
        new AuditEvent(
            null,
            Instant.now(),
            principal == null ? null : principal.userId(),
            principal == null ? ctx.get(ACTOR_NAME) : principal.username(),
            action,
            action.contains(".") ? action.substring(0, action.indexOf('.')) : null,
            resourceId,
            outcome(status),
            status,
            address,
            withToken(principal, ctx.get(DETAIL))));
  }

  /**
   * Writes the row with every text cut to {@value #MAX_TEXT} characters and made storable; if even
   * that fails, a fallback row keeps who did what with which outcome, so a call is never left
   * without a record.
   */
  Future<Void> write(AuditEvent raw) {
    AuditEvent event = sanitised(raw);
    return store
        .insert(event)
        .recover(
            err -> {
              String reason = Text.sanitised(err.getMessage(), MAX_TEXT);
              LOG.error(
                  "Could not write the audit row for {} by {} (status {}): {}; writing a fallback row",
                  event.action(),
                  event.actorName(),
                  event.status(),
                  reason);
              // only values that cannot break a constraint: the action, the status and its outcome,
              // who and from where
              AuditEvent fallback =
                  new AuditEvent(
                      null,
                      event.at(),
                      event.actorId(),
                      event.actorName(),
                      event.action() == null ? "unknown" : event.action(),
                      event.resourceType(),
                      event.resourceId(),
                      outcome(event.status()),
                      event.status(),
                      event.clientAddress(),
                      new JsonObject()
                          .put("auditFallback", true)
                          .put("reason", err.getClass().getSimpleName()));
              return store
                  .insert(fallback)
                  .onFailure(
                      again ->
                          LOG.error(
                              "Could not write the fallback audit row for {} by {}: {}",
                              event.action(),
                              event.actorName(),
                              Text.sanitised(again.getMessage(), MAX_TEXT)));
            });
  }

  private static String outcome(int status) {
    return status < 400 ? "success" : status == 401 || status == 403 ? "denied" : "failure";
  }

  private static AuditEvent sanitised(AuditEvent e) {
    return new AuditEvent(
        e.id(),
        e.at(),
        e.actorId(),
        Text.sanitised(e.actorName(), MAX_TEXT),
        Text.sanitised(e.action(), MAX_TEXT),
        Text.sanitised(e.resourceType(), MAX_TEXT),
        Text.sanitised(e.resourceId(), MAX_TEXT),
        e.outcome(),
        e.status(),
        Text.sanitised(e.clientAddress(), MAX_TEXT),
        e.detail() == null ? null : (JsonObject) Text.sanitisedJson(e.detail(), MAX_TEXT));
  }

  private static JsonObject withToken(Principal principal, JsonObject detail) {
    if (principal == null || !principal.viaToken()) {
      return detail;
    }
    JsonObject out = detail == null ? new JsonObject() : detail.copy();
    return out.put("viaTokenId", principal.tokenId());
  }
}
