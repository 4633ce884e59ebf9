package io.cdcconsole.pipeline;

import io.cdcconsole.lifecycle.Background;
import io.cdcconsole.store.EventFanout;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code total} of pipeline lists, reused for a moment: counting 10 000 pipelines (and, with a
 * run filter, each one's current run) costs more than the page itself, and a busy console asks for
 * the same list many times a second. Every change this console makes to pipelines drops all totals
 * at once; every run transition or stale flag published on the event bus drops the totals that
 * count by current run (a state or stale filter), not the others, which no run change can move (a
 * fleet whose runs keep changing would otherwise recount 10 000 pipelines for the default list on
 * every change). So within one console a total is as exact as before. Pipeline changes are
 * published at {@link PipelineStore#CHANGED_ADDRESS} for the other replicas (fanned out, as the run
 * addresses are), so their totals drop too when the event arrives; a replica that may have missed
 * some (its listener was away: {@link EventFanout#RESYNC_ADDRESS}) drops every total. {@link #TTL}
 * bounds the rest.
 */
final class ListTotals {
  static final Duration TTL = Duration.ofSeconds(1);

  /** Name filters are free text: past this many distinct lists the cache starts over. */
  private static final int MAX_ENTRIES = 1000;

  /**
   * A count statement and its arguments (arrays compared by content); {@code byRun}: it counts by
   * the pipelines' current runs, so run changes move it.
   */
  record Key(String sql, List<Object> args, boolean byRun) {
    static Key of(String sql, List<Object> args, boolean byRun) {
      return new Key(
          sql,
          args.stream().map(a -> a instanceof Object[] array ? Arrays.asList(array) : a).toList(),
          byRun);
    }
  }

  private record Entry(long total, long countedAt) {}

  private final Map<Key, Entry> totals = new ConcurrentHashMap<>();
  private final AtomicLong pipelineChanges = new AtomicLong();
  private final AtomicLong runChanges = new AtomicLong();

  /** Where pipeline changes are told to the other replicas; null while not listening. */
  private volatile Vertx publishing;

  /**
   * Listens on the addresses at which run changes are published (each drops the totals that count
   * by run), until the answer is stopped.
   */
  Background listening(Vertx vertx, List<String> runAddresses) {
    List<MessageConsumer<Object>> consumers = new ArrayList<>();
    return Background.of(
        () -> {
          runAddresses.forEach(
              address ->
                  consumers.add(vertx.eventBus().consumer(address, message -> runChanged())));
          consumers.add(
              vertx
                  .eventBus()
                  .consumer(
                      PipelineStore.CHANGED_ADDRESS,
                      message -> {
                        // this replica's own changes dropped the totals already
                        if (EventFanout.fromOtherReplica(message)) {
                          dropAll();
                        }
                      }));
          consumers.add(
              vertx.eventBus().consumer(EventFanout.RESYNC_ADDRESS, message -> dropAll()));
          publishing = vertx;
          return Future.all(consumers.stream().map(MessageConsumer::completion).toList())
              .mapEmpty();
        },
        () -> {
          publishing = null;
          List<Future<Void>> done = consumers.stream().map(MessageConsumer::unregister).toList();
          consumers.clear();
          return Future.join(done).mapEmpty();
        });
  }

  Optional<Long> get(Key key) {
    Entry e = totals.get(key);
    return e != null && System.nanoTime() - e.countedAt() < TTL.toNanos()
        ? Optional.of(e.total())
        : Optional.empty();
  }

  /**
   * Where a count of {@code key} starts: what it answers is kept only if nothing that can move it
   * changed while it ran (a sum of counters that only grow changes when either does).
   */
  long generation(Key key) {
    return pipelineChanges.get() + (key.byRun() ? runChanges.get() : 0);
  }

  void put(Key key, long total, long startedAt, long generationAtStart) {
    if (totals.size() >= MAX_ENTRIES) {
      totals.clear();
    }
    totals.put(key, new Entry(total, startedAt));
    if (generation(key) != generationAtStart) {
      totals.remove(key);
    }
  }

  /**
   * A pipeline was created, changed or deleted here: every total may have moved, here and on the
   * other replicas.
   */
  void changed() {
    dropAll();
    Vertx vertx = publishing;
    if (vertx != null) {
      vertx.eventBus().publish(PipelineStore.CHANGED_ADDRESS, new JsonObject());
    }
  }

  private void dropAll() {
    pipelineChanges.incrementAndGet();
    totals.clear();
  }

  /** A run changed: only the totals that count by current run may have moved. */
  void runChanged() {
    runChanges.incrementAndGet();
    totals.keySet().removeIf(Key::byRun);
  }
}
