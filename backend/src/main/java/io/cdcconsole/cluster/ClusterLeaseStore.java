package io.cdcconsole.cluster;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** The cluster leases and the consoles alive ({@code V22__cluster_leases.sql}). */
final class ClusterLeaseStore {
  /** What one pass found: the leases this console holds (cluster id → fencing value). */
  record Held(Map<Long, Long> leases) {}

  private final Pool pool;

  ClusterLeaseStore(Pool pool) {
    this.pool = pool;
  }

  /**
   * One pass of a console: it says it is alive, renews its leases, gives back those above its fair
   * share (the clusters divided by the consoles alive, rounded up) and takes free or run-out ones
   * up to that share. Answers what it holds afterwards. A take-over bumps the fencing value; a
   * renewal keeps it. Two consoles taking one cluster at once: the conditional upsert lets one win.
   */
  Future<Held> pass(String holder, Duration lease) {
    long millis = lease.toMillis();
    return pool.withTransaction(
            conn ->
                conn.preparedQuery(
                        "with me as (insert into console_replica (id, seen_until) "
                            + "values ($1, now() + $2 * interval '1 millisecond') "
                            + "on conflict (id) do update set seen_until = excluded.seen_until), "
                            + "gone as (delete from console_replica where seen_until < now() - interval '1 minute') "
                            + "update cluster_lease set lease_until = now() + $2 * interval '1 millisecond' "
                            + "where claimed_by = $1 and lease_until > now()")
                    .execute(Tuple.of(holder, millis))
                    .compose(
                        renewed ->
                            conn.preparedQuery(
                                    // the share: this console counts even if its row is not
                                    // visible yet
                                    "select (select count(*) from flink_cluster) as clusters, "
                                        + "(select count(*) from console_replica where seen_until > now() and id <> $1) + 1 as consoles, "
                                        + "(select count(*) from cluster_lease where claimed_by = $1 and lease_until > now()) as held")
                                .execute(Tuple.of(holder)))
                    .compose(
                        counts -> {
                          var row = counts.iterator().next();
                          long clusters = row.getLong("clusters");
                          long consoles = row.getLong("consoles");
                          long held = row.getLong("held");
                          long share = (clusters + consoles - 1) / consoles;
                          if (held > share) {
                            // the newest leases go back first; others take them on their pass
                            return conn.preparedQuery(
                                    "update cluster_lease set lease_until = now() where cluster_id in "
                                        + "(select cluster_id from cluster_lease where claimed_by = $1 "
                                        + "order by cluster_id desc limit $2) and claimed_by = $1")
                                .execute(Tuple.of(holder, held - share))
                                .mapEmpty();
                          }
                          if (held == share) {
                            return Future.succeededFuture();
                          }
                          return conn.preparedQuery(
                                  "insert into cluster_lease (cluster_id, claimed_by, lease_until) "
                                      + "select c.id, $1, now() + $2 * interval '1 millisecond' from flink_cluster c "
                                      + "left join cluster_lease l on l.cluster_id = c.id "
                                      + "where l.cluster_id is null or l.lease_until <= now() order by c.id limit $3 "
                                      + "on conflict (cluster_id) do update set claimed_by = excluded.claimed_by, "
                                      + "lease_until = excluded.lease_until, fencing = cluster_lease.fencing + 1 "
                                      + "where cluster_lease.lease_until <= now()")
                              .execute(Tuple.of(holder, millis, share - held))
                              .mapEmpty();
                        })
                    .compose(
                        ok ->
                            conn.preparedQuery(
                                    "select cluster_id, fencing from cluster_lease "
                                        + "where claimed_by = $1 and lease_until > now()")
                                .execute(Tuple.of(holder))))
        .map(
            rows -> {
              Map<Long, Long> leases = new HashMap<>();
              rows.forEach(r -> leases.put(r.getLong("cluster_id"), r.getLong("fencing")));
              return new Held(leases);
            });
  }

  /**
   * Gives back every lease of {@code holder} and forgets it: another console takes them at once.
   */
  Future<Void> release(String holder) {
    return pool.preparedQuery(
            "with gone as (delete from console_replica where id = $1) "
                + "update cluster_lease set lease_until = now() where claimed_by = $1")
        .execute(Tuple.of(holder))
        .mapEmpty();
  }

  /** Who holds each cluster's lease now (cluster id → holder), for tests and the metrics. */
  Future<Map<Long, String>> holders() {
    return pool.query(
            "select cluster_id, claimed_by from cluster_lease where lease_until > now() order by cluster_id")
        .execute()
        .map(
            rows -> {
              Map<Long, String> out = new HashMap<>();
              rows.forEach(r -> out.put(r.getLong("cluster_id"), r.getString("claimed_by")));
              return out;
            });
  }
}
