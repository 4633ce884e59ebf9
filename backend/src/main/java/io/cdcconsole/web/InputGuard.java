package io.cdcconsole.web;

import io.cdcconsole.error.ValidationFailed;
import io.cdcconsole.validation.Text;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Refuses, before any API route runs, text the console cannot store (see {@link Text}) in the path,
 * the query, the headers whose values are used, and raw NUL bytes in the body. JSON escapes in
 * bodies ({@code "\u0000"}) are checked where bodies are parsed ({@link JsonBody}, the DS
 * parameters). So such input is a 400 naming the parameter, never a 500 from the database nor a
 * call whose audit row could not be written.
 */
public final class InputGuard implements Handler<RoutingContext> {
  private static final List<String> HEADERS =
      List.of("Authorization", "token", "Idempotency-Key", "If-Match", "Last-Event-ID");

  @Override
  public void handle(RoutingContext ctx) {
    String path;
    try {
      path = URLDecoder.decode(ctx.request().path().replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      path = ctx.request().path();
    }
    if (!Text.storable(path)) {
      ctx.fail(ValidationFailed.of("path", Text.PROBLEM));
      return;
    }
    for (Map.Entry<String, String> param : ctx.queryParams()) {
      if (!Text.storable(param.getKey()) || !Text.storable(param.getValue())) {
        ctx.fail(
            ValidationFailed.of(
                Text.storable(param.getKey()) ? param.getKey() : "query", Text.PROBLEM));
        return;
      }
    }
    for (String header : HEADERS) {
      if (!Text.storable(ctx.request().getHeader(header))) {
        ctx.fail(ValidationFailed.of(header, Text.PROBLEM));
        return;
      }
    }
    Buffer body = ctx.body().buffer();
    if (body != null) {
      for (int i = 0; i < body.length(); i++) {
        if (body.getByte(i) == 0) {
          ctx.fail(ValidationFailed.of("body", Text.PROBLEM));
          return;
        }
      }
    }
    ctx.next();
  }
}
