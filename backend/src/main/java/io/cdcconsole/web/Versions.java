package io.cdcconsole.web;

import io.cdcconsole.error.BadRequest;
import io.cdcconsole.error.PreconditionRequired;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/** Optimistic concurrency on the wire: {@code ETag: "<version>"} on reads, {@code If-Match: "<version>"} on updates. */
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
    return ifMatch(ctx).orElseThrow(() -> new PreconditionRequired(
        "Updating a " + what + " needs If-Match with the version you edited (its ETag), e.g. If-Match: \"3\"."));
  }
}
