package io.cdcconsole.web;

import io.cdcconsole.access.Authenticator;
import io.cdcconsole.access.Principal;
import io.cdcconsole.access.Role;
import io.cdcconsole.config.ConsoleConfig;
import io.cdcconsole.error.TooManyRequests;
import io.cdcconsole.error.ValidationFailed;
import io.cdcconsole.store.EventFanout;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /events}: Server-Sent Events of what changes, straight from the event bus, for the
 * console and for scripts that would rather listen than poll. Events of the replayable address (run
 * transitions) carry their stored id as the SSE {@code id}; a client that reconnects with {@code
 * Last-Event-ID} first gets every stored one it missed (the newest {@value #MAX_REPLAY} at most,
 * announced by a {@code replay.truncated} event when there were more), then live ones, with none
 * twice. Every keep-alive, and every change to the caller's credentials published on {@link
 * Authenticator#changesAddress()} (revoke, disable, role, password, sign-out), checks them again
 * and ends the stream when they no longer hold; streams are capped per user and in all (one count
 * for every HTTP instance: this object is shared); a client that does not read is dropped, not
 * buffered for.
 *
 * <p>Events recorded by other replicas arrive on the same addresses ({@link EventFanout}), run
 * transitions with their stored ids, so a client can reconnect to any replica with its {@code
 * Last-Event-ID}. When this replica may have missed some of theirs ({@link
 * EventFanout#RESYNC_ADDRESS}), every stream ends (without {@code stream.closed}): clients
 * reconnect with {@code Last-Event-ID} and are replayed what they missed from the database.
 */
public final class EventRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(EventRoutes.class);
  static final int MAX_REPLAY = 1000;

  /**
   * The stored events after an id, oldest first, at most {@code limit}: the newest ones when more
   * are stored.
   */
  @FunctionalInterface
  public interface Replay {
    Future<List<JsonObject>> after(long id, int limit);
  }

  private final Vertx vertx;
  private final Authenticator auth;
  private final ConsoleConfig.Events limits;
  private final String replayable;
  private final Replay replay;
  private final List<String> addresses;
  private final AtomicInteger open = new AtomicInteger();
  private volatile Runnable dropped = () -> {};
  private final Map<Long, AtomicInteger> openPerUser = new ConcurrentHashMap<>();

  /**
   * {@code replayable} is one of {@code addresses}: the one whose events have ids that {@code
   * replay} reads back.
   */
  public EventRoutes(
      Vertx vertx,
      Authenticator auth,
      ConsoleConfig.Events limits,
      List<String> addresses,
      String replayable,
      Replay replay) {
    this.vertx = vertx;
    this.auth = auth;
    this.limits = limits;
    this.addresses = List.copyOf(addresses);
    this.replayable = replayable;
    this.replay = replay;
  }

  /** Told of every stream dropped because its client did not read (a metric). */
  public void onDropped(Runnable dropped) {
    this.dropped = dropped;
  }

  public void addRoutes(ApiRouter api) {
    api.get("/events", Role.VIEWER, this::stream);
  }

  private void stream(RoutingContext ctx) {
    long lastEventId = lastEventId(ctx);
    Principal principal = ApiRouter.principal(ctx);
    if (!acquire(principal.userId())) {
      ctx.fail(
          new TooManyRequests(
              "Too many open event streams (at most "
                  + limits.maxStreamsPerUser()
                  + " per user and "
                  + limits.maxStreams()
                  + " in all); close one first.",
              5));
      return;
    }
    new Stream(ctx, principal, lastEventId).start();
  }

  /** The {@code Last-Event-ID} header: -1 when absent (no replay). */
  private static long lastEventId(RoutingContext ctx) {
    String header = ctx.request().getHeader("Last-Event-ID");
    if (header == null || header.isBlank()) {
      return -1;
    }
    try {
      long id = Long.parseLong(header.trim());
      if (id >= 0) {
        return id;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ValidationFailed.of(
        "Last-Event-ID", "must be the id of an event this stream sent (a whole number)");
  }

  private boolean acquire(long userId) {
    if (open.incrementAndGet() > limits.maxStreams()) {
      open.decrementAndGet();
      return false;
    }
    AtomicInteger mine = openPerUser.computeIfAbsent(userId, id -> new AtomicInteger());
    if (mine.incrementAndGet() > limits.maxStreamsPerUser()) {
      mine.decrementAndGet();
      open.decrementAndGet();
      return false;
    }
    return true;
  }

  private void release(long userId) {
    open.decrementAndGet();
    openPerUser.computeIfPresent(
        userId, (id, count) -> count.decrementAndGet() <= 0 ? null : count);
  }

  /** One open stream; all its callbacks run on the context of the request. */
  private final class Stream {
    private final HttpServerResponse response;
    private final Principal principal;
    private final String authorization;
    private final String tokenHeader;
    private final long lastEventId;
    private final Set<Long> replayed = new HashSet<>();
    private List<JsonObject> heldBack = new ArrayList<>();
    private List<MessageConsumer<JsonObject>> consumers = List.of();
    private MessageConsumer<JsonObject> changes;
    private MessageConsumer<JsonObject> resync;
    private long keepAlive = -1;
    private boolean closed;

    Stream(RoutingContext ctx, Principal principal, long lastEventId) {
      this.response = ctx.response();
      this.principal = principal;
      this.authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
      this.tokenHeader = ctx.request().getHeader("token");
      this.lastEventId = lastEventId;
    }

    void start() {
      response
          .setChunked(true)
          .putHeader("Content-Type", "text/event-stream")
          .putHeader("Cache-Control", "no-cache")
          .putHeader("X-Accel-Buffering", "no");
      response.closeHandler(v -> close());
      send(": connected\n\n");
      consumers =
          addresses.stream()
              .map(
                  address ->
                      vertx
                          .eventBus()
                          .<JsonObject>consumer(address, message -> live(address, message.body())))
              .toList();
      changes =
          vertx
              .eventBus()
              .consumer(
                  auth.changesAddress(),
                  message -> {
                    if (message.body().getLong("userId", -1L) == principal.userId()) {
                      // this listener may hear of the change before the cache does (on another
                      // replica)
                      auth.forget(message.body());
                      recheck();
                    }
                  });
      resync =
          vertx
              .eventBus()
              .consumer(
                  EventFanout.RESYNC_ADDRESS,
                  message -> {
                    if (!closed) {
                      response.end();
                    }
                    close();
                  });
      keepAlive = vertx.setPeriodic(limits.keepAlive().toMillis(), id -> recheck());
      if (lastEventId < 0) {
        heldBack = null;
        return;
      }
      // listening before reading what is stored: a change made meanwhile is either replayed or held
      // back here
      Future.all(consumers.stream().map(MessageConsumer::completion).toList())
          .compose(registered -> replay.after(lastEventId, MAX_REPLAY + 1))
          .onSuccess(this::replayed)
          .onFailure(
              err -> {
                close();
                response.reset();
              });
    }

    private void replayed(List<JsonObject> stored) {
      if (stored.size() > MAX_REPLAY) {
        stored = stored.subList(stored.size() - MAX_REPLAY, stored.size());
        send(
            frame(
                null,
                "replay.truncated",
                new JsonObject()
                    .put("lastEventId", lastEventId)
                    .put("firstReplayedId", stored.get(0).getLong("id"))));
      }
      for (JsonObject event : stored) {
        replayed.add(event.getLong("id"));
        send(frame(event.getLong("id"), replayable, event));
      }
      List<JsonObject> held = heldBack;
      heldBack = null;
      held.forEach(event -> live(replayable, event));
    }

    private void live(String address, JsonObject event) {
      if (!replayable.equals(address)) {
        send(frame(null, address, event));
        return;
      }
      if (heldBack != null) {
        heldBack.add(event);
        return;
      }
      Long id = event.getLong("id");
      // what the client had, or got from the replay, is not sent again
      if (id != null && (id <= lastEventId || replayed.contains(id))) {
        return;
      }
      send(frame(id, address, event));
    }

    /**
     * On each keep-alive the credentials must still hold: not revoked, expired, disabled or from an
     * older password.
     */
    private void recheck() {
      auth.authenticate(authorization, tokenHeader)
          .onComplete(
              checked -> {
                boolean holds =
                    checked.succeeded()
                        && checked.result().userId() == principal.userId()
                        && !checked.result().scoped()
                        && checked.result().role().atLeast(Role.VIEWER);
                if (!holds) {
                  send(
                      frame(
                          null,
                          "stream.closed",
                          new JsonObject()
                              .put(
                                  "reason",
                                  checked.failed()
                                      ? checked.cause().getMessage()
                                      : "the credentials no longer allow this stream")));
                  if (!closed) {
                    response.end();
                  }
                  close();
                  return;
                }
                if (!closed) {
                  send(": keep-alive\n\n");
                }
              });
    }

    private void send(String frame) {
      if (closed) {
        return;
      }
      if (response.writeQueueFull()) {
        // a client that does not read is dropped, not buffered for: it reconnects with
        // Last-Event-ID and is replayed what it missed
        LOG.warn(
            "Event stream of user {} dropped: the client does not read what it is sent",
            principal.userId());
        dropped.run();
        close();
        response.reset();
        return;
      }
      response.write(frame);
    }

    private void close() {
      if (closed) {
        return;
      }
      closed = true;
      vertx.cancelTimer(keepAlive);
      consumers.forEach(MessageConsumer::unregister);
      if (changes != null) {
        changes.unregister();
      }
      if (resync != null) {
        resync.unregister();
      }
      release(principal.userId());
    }

    private static String frame(Long id, String event, JsonObject data) {
      return (id == null ? "" : "id: " + id + "\n")
          + "event: "
          + event
          + "\ndata: "
          + data.encode()
          + "\n\n";
    }
  }
}
