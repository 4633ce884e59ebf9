package io.cdcconsole.auth;

import io.cdcconsole.access.Role;
import io.cdcconsole.error.ValidationFailed;
import io.cdcconsole.web.JsonBody;
import java.util.Optional;

/** A role named in a request body ({@code "viewer"}, {@code "operator"}, {@code "admin"}). */
final class RoleField {
  private RoleField() {}

  static Optional<Role> of(JsonBody body, String field) {
    return body.string(field)
        .map(
            text ->
                Role.parse(text)
                    .orElseThrow(
                        () ->
                            ValidationFailed.of(field, "must be one of viewer, operator, admin")));
  }
}
