package io.cdcconsole.access;

import java.util.Locale;
import java.util.Optional;

/**
 * Roles in rising order of rights: each may do what the ones before it may (design.md section 6).
 */
public enum Role {
  VIEWER,
  OPERATOR,
  ADMIN;

  public boolean atLeast(Role other) {
    return compareTo(other) >= 0;
  }

  public static Role lower(Role a, Role b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Role> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    for (Role r : values()) {
      if (r.json().equals(text.trim().toLowerCase(Locale.ROOT))) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }
}
