package io.cdcconsole.web;

import io.cdcconsole.auth.Role;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * {@code GET /events}: Server-Sent Events of what changes — run states ({@code run.state}) and cluster health
 * ({@code cluster.health}) — straight from the event bus, for the console and for scripts that would rather listen
 * than poll. A comment line every 15 s keeps proxies from closing an idle stream.
 */
public final class EventRoutes {
  private static final long KEEP_ALIVE_MS = 15_000;

  private final Vertx vertx;
  private final List<String> addresses;

  public EventRoutes(Vertx vertx, List<String> addresses) {
    this.vertx = vertx;
    this.addresses = List.copyOf(addresses);
  }

  public void addRoutes(ApiRouter api) {
    api.get("/events", Role.VIEWER, this::stream);
  }

  private void stream(RoutingContext ctx) {
    HttpServerResponse response = ctx.response()
        .setChunked(true)
        .putHeader("Content-Type", "text/event-stream")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no");
    response.write(": connected\n\n");
    List<MessageConsumer<JsonObject>> consumers = addresses.stream()
        .map(address -> vertx.eventBus().<JsonObject>consumer(address,
            message -> response.write("event: " + address + "\ndata: " + message.body().encode() + "\n\n")))
        .toList();
    long keepAlive = vertx.setPeriodic(KEEP_ALIVE_MS, id -> response.write(": keep-alive\n\n"));
    response.closeHandler(closed -> {
      vertx.cancelTimer(keepAlive);
      consumers.forEach(MessageConsumer::unregister);
    });
  }
}
