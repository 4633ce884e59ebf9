package io.cdcconsole.store;

import io.cdcconsole.lifecycle.Background;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries events between console replicas on one database with PostgreSQL {@code LISTEN/NOTIFY}:
 * what this replica publishes on one of the fanned-out addresses goes out as a {@code NOTIFY}, and
 * what the others sent is published here again, on the local event bus, with the sender in the
 * {@value #ORIGIN} header. So an SSE stream, a DolphinScheduler wait or a cache on any replica
 * hears every change, with the event as it was sent (run transitions keep their stored id, the SSE
 * id, on every replica).
 *
 * <p>No echo and nothing twice: a notification this replica sent comes back to its own listener and
 * is ignored (the replica id in the envelope), and an event republished from another replica is
 * never sent out again (its header). Listeners whose work must happen once in all (alert rules,
 * counters of what this replica observed) skip events {@link #fromOtherReplica}.
 *
 * <p>A notification carries a small envelope: the address, the sending replica, a sequence number
 * and the event. An event too big for NOTIFY's 8000 bytes is kept in {@code event_overflow} for a
 * moment and the envelope names its row. Events published in a burst go out in one statement, in
 * order.
 *
 * <p>The listener has a connection of its own, outside the pool (a pooled connection would be
 * handed to others and lose its {@code LISTEN}). When it is lost (database restart, network) it is
 * opened again with back-off, and then {@value #RESYNC_ADDRESS} is published here: what the other
 * replicas sent meanwhile is lost to NOTIFY, so caches start over, event streams end (clients
 * reconnect with {@code Last-Event-ID} and are replayed the stored transitions) and waits look at
 * the database again. Events this replica fails to send (database down) are dropped the same way:
 * their rows are in the database, and the other replicas' resync covers them.
 *
 * <p>Not {@code PgSubscriber}: its reconnect timer survives {@code close()} and may open a
 * connection after it, which a console stopped and started on the same Vert.x must not leave.
 */
public final class EventFanout implements Background {
  private static final Logger LOG = LoggerFactory.getLogger(EventFanout.class);

  /** The channel; notifications stay within one database, so do the consoles that hear them. */
  static final String CHANNEL = "cdc_console_events";

  /**
   * Published here (locally, body {@code {}}) when the listener is back after it was away: events
   * of other replicas from that time were missed.
   */
  public static final String RESYNC_ADDRESS = "events.resync";

  /** The listening connection's {@code application_name} (in {@code pg_stat_activity}). */
  static final String APPLICATION_NAME = "cdc-console-events";

  /** The header of an event republished from another replica: that replica's id. */
  static final String ORIGIN = "fanout-origin";

  /** PostgreSQL refuses a NOTIFY payload of 8000 bytes or more. */
  static final int MAX_PAYLOAD_BYTES = 7999;

  /** Events waiting while a send is under way; past it the oldest are dropped (database down). */
  private static final int MAX_QUEUED = 10_000;

  private static final int MAX_BATCH = 500;
  private static final long FIRST_RETRY_MS = 500;
  private static final long MAX_RETRY_MS = 30_000;

  /**
   * How often the listening connection is asked a trivial query, and how long it may take: a
   * connection cut without a word (a network partition, an idle timeout of something in between)
   * would otherwise listen to nothing for ever. Vert.x 5's connect options have no TCP keep-alive.
   */
  private static final long PING_MS = 30_000;

  private static final long PING_TIMEOUT_MS = 10_000;

  private final Vertx vertx;
  private final Pool pool;
  private final PgConnectOptions options;
  private final Set<String> addresses;
  private final String replica = UUID.randomUUID().toString();
  private final AtomicLong sequence = new AtomicLong();

  // guarded by this
  private final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();
  private final ArrayDeque<JsonObject> queued = new ArrayDeque<>();
  private boolean sending;
  private boolean dropping;
  private boolean stopped = true;
  private PgConnection listener;
  private long retryTimer = -1;
  private long pingTimer = -1;
  private int failures;

  /** Only touched on the listener connection's context: republishes in the order received. */
  private Future<Void> received = Future.succeededFuture();

  public EventFanout(Vertx vertx, Database database, List<String> addresses) {
    this.vertx = vertx;
    this.pool = database.pool();
    this.options = database.connectOptions().addProperty("application_name", APPLICATION_NAME);
    this.addresses = Set.copyOf(addresses);
  }

  /** True for an event another replica published, republished here. */
  public static boolean fromOtherReplica(Message<?> message) {
    return message.headers().contains(ORIGIN);
  }

  /** This replica's id in the envelopes it sends (new at every start of the process). */
  public String replica() {
    return replica;
  }

  /**
   * Listens on the fanned-out addresses, then on the channel. Starts also when the database does
   * not take the {@code LISTEN} now (it is tried again in the background).
   */
  @Override
  public Future<Void> start() {
    List<Future<Void>> registered = new ArrayList<>();
    synchronized (this) {
      stopped = false;
      for (String address : addresses) {
        MessageConsumer<JsonObject> consumer =
            vertx.eventBus().consumer(address, message -> outgoing(address, message));
        consumers.add(consumer);
        registered.add(consumer.completion());
      }
      pingTimer = vertx.setPeriodic(PING_MS, id -> ping());
    }
    return Future.all(registered)
        .compose(
            ok ->
                listen(false)
                    .recover(
                        err -> {
                          LOG.warn(
                              "Cannot listen for other replicas' events yet ({}): trying again",
                              err.getMessage());
                          retryLater();
                          return Future.succeededFuture();
                        }));
  }

  @Override
  public Future<Void> stop() {
    List<Future<Void>> done = new ArrayList<>();
    synchronized (this) {
      stopped = true;
      if (retryTimer >= 0) {
        vertx.cancelTimer(retryTimer);
        retryTimer = -1;
      }
      if (pingTimer >= 0) {
        vertx.cancelTimer(pingTimer);
        pingTimer = -1;
      }
      consumers.forEach(consumer -> done.add(consumer.unregister()));
      consumers.clear();
      queued.clear();
      if (listener != null) {
        done.add(listener.close());
        listener = null;
      }
    }
    return Future.join(done).mapEmpty();
  }

  // sending

  private void outgoing(String address, Message<JsonObject> message) {
    if (fromOtherReplica(message) || message.body() == null) {
      return;
    }
    JsonObject envelope =
        new JsonObject()
            .put("replica", replica)
            .put("seq", sequence.incrementAndGet())
            .put("address", address)
            .put("event", message.body());
    synchronized (this) {
      if (stopped) {
        return;
      }
      if (queued.size() >= MAX_QUEUED) {
        queued.pollFirst();
        if (!dropping) {
          dropping = true;
          LOG.warn(
              "Events for other replicas pile up (database slow or down): dropping the oldest");
        }
      }
      queued.add(envelope);
      if (sending) {
        return;
      }
      sending = true;
    }
    sendQueued();
  }

  /** Sends what is queued, batch after batch, until nothing is; one statement at a time. */
  private void sendQueued() {
    List<JsonObject> batch = new ArrayList<>();
    synchronized (this) {
      while (!queued.isEmpty() && batch.size() < MAX_BATCH) {
        batch.add(queued.pollFirst());
      }
      if (batch.isEmpty() || stopped) {
        queued.clear();
        sending = false;
        dropping = false;
        return;
      }
    }
    Future<Void> sent;
    try {
      sent = send(batch);
    } catch (RuntimeException e) {
      // never leaves `sending` set: later events would wait for ever
      sent = Future.failedFuture(e);
    }
    sent.onComplete(
        done -> {
          if (done.failed() && !stopping()) {
            LOG.warn(
                "{} event(s) could not be sent to other replicas: {}",
                batch.size(),
                done.cause().getMessage());
          }
          sendQueued();
        });
  }

  private synchronized boolean stopping() {
    return stopped;
  }

  private Future<Void> send(List<JsonObject> batch) {
    List<Future<String>> payloads = new ArrayList<>(batch.size());
    for (JsonObject envelope : batch) {
      String payload = envelope.encode();
      payloads.add(
          payload.getBytes(StandardCharsets.UTF_8).length <= MAX_PAYLOAD_BYTES
              ? Future.succeededFuture(payload)
              : overflow(envelope));
    }
    return Future.all(payloads)
        .compose(
            all ->
                pool.preparedQuery("select pg_notify($1, p) from unnest($2::text[]) as p")
                    .execute(
                        Tuple.tuple()
                            .addString(CHANNEL)
                            .addArrayOfString(all.<String>list().toArray(new String[0]))))
        .mapEmpty();
  }

  /**
   * Keeps the event in {@code event_overflow} (sweeping old rows) and answers an envelope naming
   * it.
   */
  private Future<String> overflow(JsonObject envelope) {
    return pool.preparedQuery(
            "with swept as (delete from event_overflow where created_at < now() - interval '10 minutes') "
                + "insert into event_overflow (payload) values ($1) returning id")
        .execute(Tuple.of(envelope.getJsonObject("event").encode()))
        .map(
            rows -> {
              JsonObject reference = envelope.copy();
              reference.remove("event");
              return reference.put("overflow", rows.iterator().next().getLong("id")).encode();
            });
  }

  // listening

  /** Opens the listener connection and {@code LISTEN}s; {@code again}: after one was lost. */
  private Future<Void> listen(boolean again) {
    return PgConnection.connect(vertx, options)
        .compose(
            conn -> {
              conn.notificationHandler(n -> received(n.getPayload()));
              conn.closeHandler(v -> lost(conn));
              return conn.query("LISTEN " + CHANNEL)
                  .execute()
                  .<Void>mapEmpty()
                  .onFailure(err -> conn.close())
                  .compose(
                      listening -> {
                        synchronized (this) {
                          if (stopped) {
                            return conn.close();
                          }
                          listener = conn;
                          failures = 0;
                        }
                        if (again) {
                          LOG.info(
                              "Listening for other replicas' events again; what they sent meanwhile "
                                  + "was missed: caches start over and event streams are replayed");
                          vertx
                              .eventBus()
                              .publish(
                                  RESYNC_ADDRESS,
                                  new JsonObject(),
                                  new DeliveryOptions().setLocalOnly(true));
                        }
                        return Future.succeededFuture();
                      });
            });
  }

  /** A listening connection that does not answer in time is closed, and so opened again. */
  private void ping() {
    PgConnection conn;
    synchronized (this) {
      conn = listener;
    }
    if (conn == null) {
      return;
    }
    conn.query("select 1")
        .execute()
        .timeout(PING_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .onFailure(
            err -> {
              LOG.warn(
                  "The connection listening for other replicas' events does not answer ({}): "
                      + "closing it",
                  err.getMessage());
              conn.close();
              // also when its close went unheard (it closed before it became the listener)
              lost(conn);
            });
  }

  private void lost(PgConnection conn) {
    synchronized (this) {
      if (stopped || listener != conn) {
        // stopped, or lost before it listened: the failed LISTEN retries
        return;
      }
      listener = null;
    }
    LOG.warn("The connection listening for other replicas' events was lost: reconnecting");
    retryLater();
  }

  private synchronized void retryLater() {
    if (stopped || retryTimer >= 0 || listener != null) {
      return;
    }
    long delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS << Math.min(failures, 10));
    failures++;
    retryTimer =
        vertx.setTimer(
            delay,
            id -> {
              synchronized (this) {
                retryTimer = -1;
                if (stopped) {
                  return;
                }
              }
              listen(true)
                  .onFailure(
                      err -> {
                        LOG.debug(
                            "Listening for other replicas' events failed: {}", err.toString());
                        retryLater();
                      });
            });
  }

  private synchronized void received(String payload) {
    JsonObject envelope;
    try {
      envelope = new JsonObject(payload);
    } catch (DecodeException e) {
      LOG.warn("Ignored a notification on {} that is not an event envelope", CHANNEL);
      return;
    }
    String origin = envelope.getString("replica");
    String address = envelope.getString("address");
    // our own came back; an address this version does not fan out is not republished
    if (replica.equals(origin) || origin == null || !addresses.contains(address)) {
      return;
    }
    Long overflowId = envelope.getLong("overflow");
    Future<JsonObject> event =
        overflowId == null
            ? Future.succeededFuture(envelope.getJsonObject("event"))
            : pool.preparedQuery("select payload from event_overflow where id = $1")
                .execute(Tuple.of(overflowId))
                .map(rows -> rows.size() == 0 ? null : overflowEvent(rows.iterator().next()));
    // read at once, republished in the order received
    received =
        received
            .transform(ignored -> event)
            .transform(
                read -> {
                  if (read.succeeded() && read.result() != null) {
                    vertx
                        .eventBus()
                        .publish(
                            address,
                            read.result(),
                            new DeliveryOptions().setLocalOnly(true).addHeader(ORIGIN, origin));
                  } else {
                    LOG.warn(
                        "An event of another replica on {} could not be read: {}",
                        address,
                        read.failed() ? read.cause().getMessage() : "swept already");
                  }
                  return Future.succeededFuture();
                });
  }

  private static JsonObject overflowEvent(Row row) {
    return new JsonObject(row.getString("payload"));
  }
}
