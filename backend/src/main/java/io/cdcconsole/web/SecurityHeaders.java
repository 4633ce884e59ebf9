package io.cdcconsole.web;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Browser hardening on every answer, SPA and API alike (security review L7). The policy allows only
 * this origin's own scripts, so an injected inline script does not run, and no site may frame the
 * console. Styles allow {@code 'unsafe-inline'}: antd and CodeMirror write their CSS into {@code
 * <style>} elements at run time (CSS-in-JS), and a style can neither run code nor read the session.
 * HSTS is sent only when this port serves TLS itself: behind a TLS-terminating proxy, the proxy
 * sets it.
 */
final class SecurityHeaders implements Handler<RoutingContext> {
  static final String CONTENT_SECURITY_POLICY =
      String.join(
          "; ",
          "default-src 'self'",
          "script-src 'self'",
          "style-src 'self' 'unsafe-inline'",
          "img-src 'self' data:",
          "font-src 'self' data:",
          "connect-src 'self'",
          "object-src 'none'",
          "base-uri 'self'",
          "form-action 'self'",
          "frame-ancestors 'none'");

  private final boolean tls;

  SecurityHeaders(boolean tls) {
    this.tls = tls;
  }

  @Override
  public void handle(RoutingContext ctx) {
    var headers = ctx.response().headers();
    headers
        .set("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .set("X-Content-Type-Options", "nosniff")
        .set("X-Frame-Options", "DENY")
        .set("Referrer-Policy", "no-referrer");
    if (tls) {
      headers.set("Strict-Transport-Security", "max-age=31536000");
    }
    ctx.next();
  }
}
