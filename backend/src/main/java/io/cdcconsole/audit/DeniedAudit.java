package io.cdcconsole.audit;

import io.cdcconsole.lifecycle.Background;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Denied calls made without any credentials are counted, not written one row each: anyone who
 * reaches the port can send thousands a second, and one row per call took every database connection
 * and starved the signed-in users. Each {@link #WINDOW} the counts become one row per client
 * address, action and status ({@code detail.count}, with the first and last time), written in one
 * batch off the request path. At most {@link #MAX_KEYS} distinct keys per window; beyond that the
 * calls are counted under address and action {@code "*"}: the number of denials is never lost,
 * only, past the bound, from where. A batch that cannot be written is kept and counted into the
 * next.
 */
public final class DeniedAudit implements Background {
  private static final Logger LOG = LoggerFactory.getLogger(DeniedAudit.class);
  static final Duration WINDOW = Duration.ofSeconds(2);
  static final int MAX_KEYS = 1000;
  static final String ANY = "*";

  private record Key(String address, String action, int status) {}

  private static final class Tally {
    long count;
    Instant first;
    Instant last;

    Tally(Instant at) {
      first = at;
      last = at;
    }

    void add(long n, Instant firstAt, Instant lastAt) {
      count += n;
      first = firstAt.isBefore(first) ? firstAt : first;
      last = lastAt.isAfter(last) ? lastAt : last;
    }
  }

  private final Vertx vertx;
  private final AuditStore store;
  private final Object lock = new Object();
  private Map<Key, Tally> tallies = new LinkedHashMap<>();
  private long timer = -1;
  private boolean flushing;

  public DeniedAudit(Vertx vertx, AuditStore store) {
    this.vertx = vertx;
    this.store = store;
  }

  @Override
  public Future<Void> start() {
    if (timer < 0) {
      timer = vertx.setPeriodic(WINDOW.toMillis(), id -> flush());
    }
    return Future.succeededFuture();
  }

  /** Stops the window and writes what was counted. */
  @Override
  public Future<Void> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    return flush();
  }

  /** One denied call without credentials; cheap and never touches the database. */
  void count(String address, String action, int status) {
    Instant now = Instant.now();
    synchronized (lock) {
      add(new Key(address, action, status), 1, now, now);
    }
  }

  private void add(Key key, long n, Instant first, Instant last) {
    Key k =
        tallies.containsKey(key) || tallies.size() < MAX_KEYS
            ? key
            : new Key(ANY, ANY, key.status());
    tallies.computeIfAbsent(k, x -> new Tally(first)).add(n, first, last);
  }

  Future<Void> flush() {
    Map<Key, Tally> batch;
    synchronized (lock) {
      if (flushing || tallies.isEmpty()) {
        return Future.succeededFuture();
      }
      flushing = true;
      batch = tallies;
      tallies = new LinkedHashMap<>();
    }
    List<AuditEvent> rows = new ArrayList<>(batch.size());
    batch.forEach(
        (k, t) ->
            rows.add(
                new AuditEvent(
                    null,
                    t.last,
                    null,
                    null,
                    k.action(),
                    k.action().contains(".") && !k.action().contains(" ")
                        ? k.action().substring(0, k.action().indexOf('.'))
                        : null,
                    null,
                    "denied",
                    k.status(),
                    k.address(),
                    new JsonObject()
                        .put("count", t.count)
                        .put("firstAt", t.first)
                        .put("lastAt", t.last)
                        .put("coalesced", true))));
    return store
        .insertAll(rows)
        .onComplete(
            ar -> {
              synchronized (lock) {
                flushing = false;
                if (ar.failed()) {
                  batch.forEach((k, t) -> add(k, t.count, t.first, t.last));
                }
              }
              if (ar.failed()) {
                LOG.warn(
                    "Could not write {} coalesced denied audit rows; kept for the next window: {}",
                    rows.size(),
                    ar.cause().getMessage());
              }
            });
  }
}
