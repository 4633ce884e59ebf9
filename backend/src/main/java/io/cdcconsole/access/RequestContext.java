package io.cdcconsole.access;

import io.vertx.ext.web.RoutingContext;

/**
 * What a request carries between the handlers that serve it: who is calling (set by the API router
 * once authenticated) and how it is audited (its action; audited even when it changes nothing). The
 * keys live here, below both {@code web} and {@code audit}, so that neither knows the other.
 */
public final class RequestContext {
  private static final String PRINCIPAL = "cdc.principal";
  private static final String ACTION = "cdc.audit.action";
  private static final String ALWAYS = "cdc.audit.always";

  private RequestContext() {}

  /** The authenticated caller; null before authentication (or on a public route). */
  public static Principal principal(RoutingContext ctx) {
    return ctx.get(PRINCIPAL);
  }

  public static void principal(RoutingContext ctx, Principal principal) {
    ctx.put(PRINCIPAL, principal);
  }

  /** Names the audit action, as {@code <resource type>.<verb>} (e.g. {@code user.create}). */
  public static void action(RoutingContext ctx, String action) {
    ctx.put(ACTION, action);
  }

  public static String action(RoutingContext ctx) {
    return ctx.get(ACTION);
  }

  /** Audits this call even if it changes nothing (a scheduler's status check). */
  public static void auditAlways(RoutingContext ctx) {
    ctx.put(ALWAYS, true);
  }

  public static boolean auditedAlways(RoutingContext ctx) {
    return Boolean.TRUE.equals(ctx.get(ALWAYS));
  }
}
