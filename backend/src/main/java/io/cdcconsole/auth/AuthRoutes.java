package io.cdcconsole.auth;

import io.cdcconsole.audit.Audit;
import io.cdcconsole.error.ValidationFailed;
import io.cdcconsole.web.ApiRouter;
import io.cdcconsole.web.JsonBody;
import io.vertx.ext.web.RoutingContext;

/** {@code POST /auth/login}. */
public final class AuthRoutes {
  private final AuthService auth;

  public AuthRoutes(AuthService auth) {
    this.auth = auth;
  }

  public void addRoutes(ApiRouter api) {
    api.publicPost("/auth/login", "session.login", this::login);
  }

  private void login(RoutingContext ctx) {
    JsonBody body = JsonBody.of(ctx);
    String username = body.requiredString("username");
    // checked before the throttle and the audit row, which would otherwise keep (and key on) any length
    if (username.length() > UserService.MAX_USERNAME) {
      throw ValidationFailed.of("username", "must be at most " + UserService.MAX_USERNAME + " characters");
    }
    String password = body.requiredString("password");
    Audit.actorName(ctx, username);
    String address = ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().hostAddress();
    ApiRouter.respond(ctx, auth.login(username, password, address).map(JwtSessions.Issued::toJson));
  }
}
