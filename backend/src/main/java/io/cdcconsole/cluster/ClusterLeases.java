package io.cdcconsole.cluster;

import io.cdcconsole.lifecycle.Background;
import io.cdcconsole.lifecycle.Passes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which clusters this console watches: those whose lease it holds in the database ({@link
 * ClusterLeaseStore}). Every third of the lease a pass renews them, gives back what is above this
 * console's fair share and takes free or run-out leases up to it, so every cluster is watched by
 * exactly one live console, and a dead console's clusters are watched again within two leases (its
 * leases run out after one; the next pass of another console, a third of a lease later, takes
 * them). A stopped console gives its leases back at once.
 *
 * <p>The holder's own view is conservative: a lease counts as held only until one lease after the
 * start of the pass that last confirmed it (a pass that does not answer — the database away, the
 * process paused — lets it lapse here before it lapses in the database). Writes are fenced in the
 * database in any case ({@link ClusterLease#guard}).
 */
public final class ClusterLeases implements Background {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterLeases.class);

  private final ClusterLeaseStore store;
  private final String holder;
  private final Duration lease;
  private final Map<Long, Long> held = new ConcurrentHashMap<>();
  private final List<Consumer<Set<Long>>> gainListeners = new ArrayList<>();
  private volatile long validUntilNanos;
  private final Passes passes;

  public ClusterLeases(Vertx vertx, Pool pool, String holder, Duration lease) {
    this.store = new ClusterLeaseStore(pool);
    this.holder = holder;
    this.lease = lease;
    this.passes =
        new Passes(vertx, Duration.ofMillis(Math.max(100, lease.toMillis() / 3)), this::pass);
  }

  /** Told the clusters this console has just taken (on the keeper's context). */
  public void onGained(Consumer<Set<Long>> listener) {
    gainListeners.add(listener);
  }

  /** Completes after the first pass, so that the watchers started next know their clusters. */
  @Override
  public Future<Void> start() {
    return passes.start();
  }

  /** Stops passing and gives every lease back (another console takes them on its next pass). */
  @Override
  public Future<Void> stop() {
    return passes
        .stop()
        .compose(
            ok -> {
              held.clear();
              return store
                  .release(holder)
                  .otherwise(
                      err -> {
                        LOG.warn("Cluster leases not given back on stop: {}", err.getMessage());
                        return null;
                      });
            });
  }

  /** The lease on the cluster, while this console holds it; empty when another one watches it. */
  public Optional<ClusterLease> lease(long clusterId) {
    Long fencing = held.get(clusterId);
    if (fencing == null || System.nanoTime() - validUntilNanos > 0) {
      return Optional.empty();
    }
    return Optional.of(new ClusterLease(clusterId, holder, fencing));
  }

  public boolean holds(long clusterId) {
    return lease(clusterId).isPresent();
  }

  /** How many clusters this console watches now (metrics). */
  public int count() {
    return System.nanoTime() - validUntilNanos > 0 ? 0 : held.size();
  }

  /** A pass now (a cluster was just added, or a run asked for there): answers when it is done. */
  public Future<Void> passNow() {
    return passes.now();
  }

  private Future<Boolean> pass() {
    long started = System.nanoTime();
    return store
        .pass(holder, lease)
        .map(
            now -> {
              if (passes.stopped()) {
                return false;
              }
              Set<Long> gained = new HashSet<>(now.leases().keySet());
              gained.removeAll(held.keySet());
              Set<Long> lost = new HashSet<>(held.keySet());
              lost.removeAll(now.leases().keySet());
              held.keySet().retainAll(now.leases().keySet());
              held.putAll(now.leases());
              validUntilNanos = started + lease.toNanos();
              if (!gained.isEmpty() || !lost.isEmpty()) {
                LOG.info(
                    "Watching clusters {} now (took {}, gave up {})", held.keySet(), gained, lost);
              }
              if (!gained.isEmpty()) {
                gainListeners.forEach(l -> l.accept(gained));
              }
              return false;
            })
        .recover(
            err -> {
              LOG.warn("Cluster leases not renewed: {}", err.getMessage());
              return Future.succeededFuture(false);
            });
  }

  /** Who holds each cluster now (cluster id → console), for tests. */
  public Future<Map<Long, String>> holders() {
    return store.holders();
  }

  public String holder() {
    return holder;
  }
}
