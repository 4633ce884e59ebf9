package io.cdcconsole.web;

import io.cdcconsole.error.BadRequest;
import io.cdcconsole.error.PreconditionRequired;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * Optimistic concurrency on the wire, the same for every versioned resource: {@code ETag:
 * "<version>"} on reads, {@code If-Match: "<version>"} required on updates and deletes (428 without
 * it, 412 when it is stale).
 */
public final class Versions {
  private Versions() {}

  public static void etag(RoutingContext ctx, int version) {
    ctx.response().putHeader(HttpHeaders.ETAG, "\"" + version + "\"");
  }

  public static Optional<Integer> ifMatch(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.IF_MATCH);
    if (header == null || header.isBlank()) {
      return Optional.empty();
    }
    String text = header.trim();
    if (text.startsWith("W/")) {
      text = text.substring(2);
    }
    text = text.replace("\"", "").trim();
    try {
      return Optional.of(Integer.parseInt(text));
    } catch (NumberFormatException e) {
      throw new BadRequest("If-Match must be the version you edited, e.g. If-Match: \"3\".");
    }
  }

  public static int requireIfMatch(RoutingContext ctx, String what) {
    return ifMatch(ctx)
        .orElseThrow(
            () ->
                new PreconditionRequired(
                    "Changing or deleting "
                        + ("aeiou".indexOf(what.charAt(0)) >= 0 ? "an " : "a ")
                        + what
                        + " needs If-Match with the version you read (its ETag), e.g. If-Match: \"3\"."));
  }
}
