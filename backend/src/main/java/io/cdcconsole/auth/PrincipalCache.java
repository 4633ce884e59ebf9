package io.cdcconsole.auth;

import io.cdcconsole.lifecycle.Background;
import io.cdcconsole.store.EventFanout;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * What authentication looked up, reused for a short TTL so that a request does not read the
 * database: session users by id, API tokens (with their owner) by the hash of their secret. One
 * cache per JVM, shared by every HTTP verticle instance.
 *
 * <p>A change made through this console (disable, role, password, sign-out, token revoke) drops the
 * affected entries here at once, before the change is answered, and is published on {@link
 * #ADDRESS} so that every other listener — open event streams, and the caches of other replicas
 * (the address is fanned out, {@link EventFanout}) — drops or rechecks too. When this replica may
 * have missed another's changes (its listener was away) the whole cache starts over. A change made
 * behind the console's back (SQL by hand) is seen after the TTL at the latest.
 *
 * <p>A look-up that started before a change may answer after it with the old row; a generation
 * counter keeps such a stale answer out of the cache (it is still used for the one request that was
 * already under way).
 */
public final class PrincipalCache implements Background {
  /**
   * Published with {@code userId} (and {@code tokenId} for a single token) whenever credentials
   * change.
   */
  public static final String ADDRESS = "auth.changed";

  /** A bound on memory: past it the cache starts over (only live principals come back). */
  private static final int MAX_ENTRIES = 10_000;

  private record Entry<T>(T value, long loadedAt) {}

  private final Vertx vertx;
  private final long ttlNanos;
  private final Map<Long, Entry<User>> users = new ConcurrentHashMap<>();
  private final Map<String, Entry<TokenStore.Owned>> tokens = new ConcurrentHashMap<>();
  private final AtomicLong generation = new AtomicLong();
  private MessageConsumer<JsonObject> consumer;
  private MessageConsumer<JsonObject> resync;

  public PrincipalCache(Vertx vertx, Duration ttl) {
    this.vertx = vertx;
    this.ttlNanos = ttl.toNanos();
  }

  /**
   * Listens for changes published by other replicas (and by this one: dropping twice is harmless).
   */
  @Override
  public Future<Void> start() {
    consumer = vertx.eventBus().<JsonObject>consumer(ADDRESS, message -> drop(message.body()));
    resync = vertx.eventBus().<JsonObject>consumer(EventFanout.RESYNC_ADDRESS, message -> clear());
    return Future.all(consumer.completion(), resync.completion()).mapEmpty();
  }

  @Override
  public Future<Void> stop() {
    List<Future<Void>> done = new ArrayList<>();
    if (consumer != null) {
      done.add(consumer.unregister());
      done.add(resync.unregister());
    }
    consumer = null;
    resync = null;
    return Future.join(done).mapEmpty();
  }

  /** Forgets everything: changes may have been missed. */
  private void clear() {
    generation.incrementAndGet();
    users.clear();
    tokens.clear();
  }

  Future<Optional<User>> user(long id, Supplier<Future<Optional<User>>> load) {
    return cached(users, id, load);
  }

  Future<Optional<TokenStore.Owned>> token(
      String hash, Supplier<Future<Optional<TokenStore.Owned>>> load) {
    return cached(tokens, hash, load);
  }

  /**
   * A user changed (role, disabled, password, sessions): the user and every token of the user are
   * looked up again.
   */
  public void userChanged(long userId) {
    changed(new JsonObject().put("userId", userId));
  }

  /** One token changed (revoked). */
  public void tokenChanged(long userId, long tokenId) {
    changed(new JsonObject().put("userId", userId).put("tokenId", tokenId));
  }

  private void changed(JsonObject change) {
    drop(change);
    vertx.eventBus().publish(ADDRESS, change);
  }

  /**
   * Drops what a published change affects; also for listeners that must not depend on the order of
   * delivery.
   */
  public void drop(JsonObject change) {
    generation.incrementAndGet();
    Long userId = change.getLong("userId");
    Long tokenId = change.getLong("tokenId");
    if (tokenId == null) {
      users.remove(userId);
      tokens.values().removeIf(e -> e.value().owner().id() == userId);
    } else {
      tokens.values().removeIf(e -> e.value().token().id() == tokenId);
    }
  }

  private <K, V> Future<Optional<V>> cached(
      Map<K, Entry<V>> cache, K key, Supplier<Future<Optional<V>>> load) {
    long now = System.nanoTime();
    Entry<V> hit = cache.get(key);
    if (hit != null && now - hit.loadedAt() < ttlNanos) {
      return Future.succeededFuture(Optional.of(hit.value()));
    }
    long before = generation.get();
    return load.get()
        .onSuccess(
            found -> {
              // unknown keys are not kept: random guesses must not fill the cache
              if (found.isEmpty() || ttlNanos == 0) {
                cache.remove(key);
                return;
              }
              if (cache.size() >= MAX_ENTRIES) {
                cache.clear();
              }
              cache.put(key, new Entry<>(found.get(), now));
              // a change dropped entries while this was read: what was read may be from before it
              if (generation.get() != before) {
                cache.remove(key);
              }
            });
  }
}
