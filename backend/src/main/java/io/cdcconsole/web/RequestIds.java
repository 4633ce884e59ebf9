package io.cdcconsole.web;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Gives every request an id: a sane incoming {@code X-Request-Id} (a proxy's) is kept, anything
 * else is replaced by a fresh UUID. It is answered as {@code X-Request-Id}, put in every problem
 * answer and in the log lines about the request. Log lines carry it as a key-value field of the
 * call itself, not through the thread-local MDC, which an event loop shares among all its requests.
 */
public final class RequestIds implements Handler<RoutingContext> {
  public static final String HEADER = "X-Request-Id";
  private static final String KEY = "requestId";

  /**
   * Short printable tokens only: an id goes into logs and headers, so no spaces, quotes or control
   * characters.
   */
  private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:@/+=-]{1,128}");

  @Override
  public void handle(RoutingContext ctx) {
    String incoming = ctx.request().getHeader(HEADER);
    String id =
        incoming != null && SANE.matcher(incoming).matches()
            ? incoming
            : UUID.randomUUID().toString();
    ctx.put(KEY, id);
    ctx.response().putHeader(HEADER, id);
    ctx.next();
  }

  /** The request's id; null only for a request that never went through the router. */
  public static String of(RoutingContext ctx) {
    return ctx.get(KEY);
  }
}
