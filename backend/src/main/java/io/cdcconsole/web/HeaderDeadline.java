package io.cdcconsole.web;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A header-read timeout, which Vert.x lacks (its idle timeouts restart with every byte, so a client
 * trickling a header line every few seconds holds a connection for ever: security review M10). A
 * connection gets {@code timeout} from opening, or from the end of its last answer, to deliver the
 * headers of its next request; if it has no request in flight when that runs out, it is closed. The
 * router sees a request only once its headers are complete, so the first handler is where the clock
 * stops. A kept-alive connection that waits for its next request is closed the same way, as a
 * keep-alive timeout would; requests in flight, event streams included, are never cut by it.
 *
 * <p>One instance per HTTP server verticle: all its connections live on that verticle's event loop,
 * so the state needs no locking.
 */
final class HeaderDeadline {
  private static final class State {
    int inFlight;
    long timer = -1;
  }

  private final Vertx vertx;
  private final long timeoutMs;
  private final Map<HttpConnection, State> connections = new HashMap<>();
  private boolean closed;

  HeaderDeadline(Vertx vertx, Duration timeout) {
    this.vertx = vertx;
    this.timeoutMs = timeout.toMillis();
  }

  /** For {@code HttpServer.connectionHandler}: the clock starts when the connection opens. */
  Handler<HttpConnection> onConnection() {
    return connection -> {
      if (closed) {
        return; // the server is going away and closes it
      }
      State state = new State();
      connections.put(connection, state);
      connection.closeHandler(
          closed -> {
            vertx.cancelTimer(state.timer);
            connections.remove(connection);
          });
      arm(connection, state);
    };
  }

  /**
   * The router's first handler: the headers are in; the clock starts again when the answer has
   * ended.
   */
  Handler<RoutingContext> onRequest() {
    return ctx -> {
      HttpConnection connection = ctx.request().connection();
      State state = connections.get(connection);
      if (state != null) {
        state.inFlight++;
        vertx.cancelTimer(state.timer);
        ctx.addEndHandler(
            done -> {
              state.inFlight--;
              if (state.inFlight == 0 && connections.containsKey(connection)) {
                arm(connection, state);
              }
            });
      }
      ctx.next();
    };
  }

  /**
   * When the verticle stops: its server closes the connections afterwards, and their close handlers
   * may run after the console has stopped, so the timers go now (a stopped console leaves none).
   */
  void close() {
    closed = true;
    connections.values().forEach(state -> vertx.cancelTimer(state.timer));
    connections.clear();
  }

  private void arm(HttpConnection connection, State state) {
    vertx.cancelTimer(state.timer);
    state.timer =
        vertx.setTimer(
            timeoutMs,
            id -> {
              if (state.inFlight == 0) {
                connection.close();
              }
            });
  }
}
