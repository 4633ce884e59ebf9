package io.cdcconsole.web;

import io.cdcconsole.error.NotFound;
import io.cdcconsole.error.ValidationFailed;
import io.cdcconsole.store.PageRequest;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** Typed access to query and path parameters; bad values answer 400 naming the parameter. */
public final class Query {
  private Query() {}

  public static Optional<String> string(RoutingContext ctx, String name) {
    String value = ctx.request().getParam(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  public static Optional<Long> longValue(RoutingContext ctx, String name) {
    return string(ctx, name)
        .map(
            text -> {
              try {
                return Long.parseLong(text);
              } catch (NumberFormatException e) {
                throw ValidationFailed.of(name, "must be a whole number");
              }
            });
  }

  public static boolean flag(RoutingContext ctx, String name) {
    return string(ctx, name)
        .map(
            text ->
                switch (text) {
                  case "true", "1", "yes" -> true;
                  case "false", "0", "no" -> false;
                  default -> throw ValidationFailed.of(name, "must be true or false");
                })
        .orElse(false);
  }

  public static Optional<Instant> instant(RoutingContext ctx, String name) {
    return string(ctx, name)
        .map(
            text -> {
              try {
                return Instant.parse(text);
              } catch (DateTimeParseException e) {
                throw ValidationFailed.of(
                    name, "must be an ISO-8601 UTC time such as 2030-01-31T00:00:00Z");
              }
            });
  }

  /** {@code limit} (1..500, default 50) and {@code offset} (0..). */
  public static PageRequest page(RoutingContext ctx) {
    long limit = longValue(ctx, "limit").orElse((long) PageRequest.DEFAULT_LIMIT);
    long offset = longValue(ctx, "offset").orElse(0L);
    if (limit < 1 || limit > PageRequest.MAX_LIMIT) {
      throw ValidationFailed.of("limit", "must be from 1 to " + PageRequest.MAX_LIMIT);
    }
    if (offset < 0 || offset > Integer.MAX_VALUE) {
      throw ValidationFailed.of("offset", "must be 0 or more");
    }
    return new PageRequest((int) limit, (int) offset);
  }

  /** A numeric id from the path; anything else cannot name a resource, so it is a 404. */
  public static long id(RoutingContext ctx, String name, String what) {
    String text = ctx.pathParam(name);
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new NotFound("No " + what + " '" + text + "'.");
    }
  }
}
