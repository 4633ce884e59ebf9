package io.cdcconsole.auth;

import io.cdcconsole.access.Principal;
import io.cdcconsole.access.Role;
import io.cdcconsole.audit.Audit;
import io.cdcconsole.error.Forbidden;
import io.cdcconsole.error.ValidationFailed;
import io.cdcconsole.web.ApiRouter;
import io.cdcconsole.web.JsonBody;
import io.vertx.ext.web.RoutingContext;

/** {@code POST /auth/login} and {@code POST /auth/logout}. */
public final class AuthRoutes {
  private final AuthService auth;
  private final UserService users;

  public AuthRoutes(AuthService auth, UserService users) {
    this.auth = auth;
    this.users = users;
  }

  public void addRoutes(ApiRouter api) {
    api.publicPost("/auth/login", "session.login", this::login);
    api.post("/auth/logout", Role.VIEWER, "session.logout", this::logout);
  }

  static String clientAddress(RoutingContext ctx) {
    return ctx.request().remoteAddress() == null
        ? "unknown"
        : ctx.request().remoteAddress().hostAddress();
  }

  /**
   * Ends the caller's sessions by moving the user's session version on: every JWT of the user stops
   * working, the one that asked included. One column that is read on every request anyway, rather
   * than a list of revoked token ids.
   */
  private void logout(RoutingContext ctx) {
    Principal principal = ApiRouter.principal(ctx);
    Audit.resourceId(ctx, principal.userId());
    if (principal.viaToken()) {
      throw new Forbidden(
          "Sign-out ends sessions; an API token is ended by revoking it (DELETE /tokens/{id}).");
    }
    users
        .endSessions(principal.userId())
        .onSuccess(done -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private void login(RoutingContext ctx) {
    JsonBody body = JsonBody.of(ctx);
    String username = body.requiredString("username");
    // checked before the throttle and the audit row, which would otherwise keep (and key on) any
    // length
    if (username.length() > UserService.MAX_USERNAME) {
      throw ValidationFailed.of(
          "username", "must be at most " + UserService.MAX_USERNAME + " characters");
    }
    String password = body.requiredString("password");
    Audit.actorName(ctx, username);
    ApiRouter.respond(
        ctx, auth.login(username, password, clientAddress(ctx)).map(JwtSessions.Issued::toJson));
  }
}
