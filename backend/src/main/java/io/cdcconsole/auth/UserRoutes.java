package io.cdcconsole.auth;

import io.cdcconsole.access.Principal;
import io.cdcconsole.access.Role;
import io.cdcconsole.audit.Audit;
import io.cdcconsole.error.Forbidden;
import io.cdcconsole.web.ApiRouter;
import io.cdcconsole.web.JsonBody;
import io.cdcconsole.web.Query;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** {@code /me} for everyone signed in; {@code /users} for admins. */
public final class UserRoutes {
  private final UserService users;
  private final JwtSessions sessions;

  public UserRoutes(UserService users, JwtSessions sessions) {
    this.users = users;
    this.sessions = sessions;
  }

  public void addRoutes(ApiRouter api) {
    api.get("/me", Role.VIEWER, this::me);
    api.put("/me/password", Role.VIEWER, "user.change-password", this::changeOwnPassword);
    api.get(
        "/users",
        Role.ADMIN,
        ctx ->
            ApiRouter.respond(
                ctx, users.list(Query.page(ctx)).map(page -> page.toJson(User::toJson))));
    api.post("/users", Role.ADMIN, "user.create", this::create);
    api.get(
        "/users/:id",
        Role.ADMIN,
        ctx -> ApiRouter.respond(ctx, users.get(Query.id(ctx, "id", "user")).map(User::toJson)));
    api.patch("/users/:id", Role.ADMIN, "user.update", this::change);
  }

  private void me(RoutingContext ctx) {
    Principal principal = ApiRouter.principal(ctx);
    ApiRouter.respond(
        ctx,
        users
            .get(principal.userId())
            .map(
                user ->
                    user.toJson()
                        .put("role", principal.role().json())
                        .put("authenticatedBy", principal.viaToken() ? "token" : "session")
                        .put("tokenId", principal.tokenId())));
  }

  private void changeOwnPassword(RoutingContext ctx) {
    JsonBody body = JsonBody.of(ctx);
    Principal principal = ApiRouter.principal(ctx);
    Audit.resourceId(ctx, principal.userId());
    // an API token may be limited (a lower role, a scope); a new password yields a full session, so
    // it takes one
    if (principal.viaToken()) {
      throw new Forbidden("Changing your password needs a signed-in session, not an API token.");
    }
    String current = body.requiredString("currentPassword");
    String next = body.requiredString("newPassword");
    // the old sessions end with the change, so the answer carries a new one
    ApiRouter.respond(
        ctx,
        users
            .changeOwnPassword(principal, AuthRoutes.clientAddress(ctx), current, next)
            .map(user -> sessions.issue(user).toJson()));
  }

  private void create(RoutingContext ctx) {
    JsonBody body = JsonBody.of(ctx);
    UserService.NewUser request =
        new UserService.NewUser(
            body.requiredString("username"),
            body.requiredString("password"),
            RoleField.of(body, "role").orElse(Role.VIEWER));
    Audit.detail(
        ctx,
        new JsonObject().put("username", request.username()).put("role", request.role().json()));
    users
        .create(request)
        .onSuccess(
            user -> {
              Audit.resourceId(ctx, user.id());
              ApiRouter.created(ctx, "/users/" + user.id(), user.toJson());
            })
        .onFailure(ctx::fail);
  }

  private void change(RoutingContext ctx) {
    long id = Query.id(ctx, "id", "user");
    JsonBody body = JsonBody.of(ctx);
    UserService.Changes changes =
        new UserService.Changes(
            RoleField.of(body, "role"), body.bool("disabled"), body.string("password"));
    JsonObject detail = new JsonObject();
    changes.role().ifPresent(r -> detail.put("role", r.json()));
    changes.disabled().ifPresent(d -> detail.put("disabled", d));
    changes.password().ifPresent(p -> detail.put("passwordReset", true));
    Audit.detail(ctx, detail);
    ApiRouter.respond(ctx, users.change(id, changes).map(User::toJson));
  }
}
