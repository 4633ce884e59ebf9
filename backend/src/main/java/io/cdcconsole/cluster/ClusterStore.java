package io.cdcconsole.cluster;

import io.cdcconsole.store.Rows;
import io.cdcconsole.store.Sql;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Clusters in {@code flink_cluster}. */
public final class ClusterStore {
  private final Pool pool;

  public ClusterStore(Pool pool) {
    this.pool = pool;
  }

  public Future<Cluster> insert(Cluster c) {
    return pool.preparedQuery(
            "insert into flink_cluster (name, rest_url, auth, headers, tls, labels, description, "
                + "cdc_mode, cdc_version) values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning *")
        .execute(
            Tuple.from(
                new Object[] {
                  c.name(),
                  c.restUrl(),
                  c.auth().toStored(),
                  Rows.json(c.headers()),
                  c.tls().toJson(),
                  Rows.json(c.labels()),
                  c.description(),
                  c.cdc().mode(),
                  c.cdc().version()
                }))
        .map(rows -> map(rows.iterator().next()))
        .recover(Sql::fail);
  }

  /**
   * Writes the new definition if the stored version is still {@code expectedVersion}; empty when it
   * moved on.
   */
  public Future<Optional<Cluster>> update(Cluster c, int expectedVersion) {
    return pool.preparedQuery(
            "update flink_cluster set name = $2, rest_url = $3, auth = $4, headers = $5, tls = $6, "
                + "labels = $7, description = $8, cdc_mode = $9, cdc_version = $10, version = version + 1, updated_at = now() "
                + "where id = $1 and version = $11 returning *")
        .execute(
            Tuple.from(
                new Object[] {
                  c.id(),
                  c.name(),
                  c.restUrl(),
                  c.auth().toStored(),
                  Rows.json(c.headers()),
                  c.tls().toJson(),
                  Rows.json(c.labels()),
                  c.description(),
                  c.cdc().mode(),
                  c.cdc().version(),
                  expectedVersion
                }))
        .map(rows -> Rows.first(rows, ClusterStore::map))
        .recover(Sql::fail);
  }

  public Future<Optional<Cluster>> find(long id) {
    return pool.preparedQuery("select * from flink_cluster where id = $1")
        .execute(Tuple.of(id))
        .map(rows -> Rows.first(rows, ClusterStore::map));
  }

  public Future<Optional<Cluster>> findByName(String name) {
    return pool.preparedQuery("select * from flink_cluster where name = $1")
        .execute(Tuple.of(name))
        .map(rows -> Rows.first(rows, ClusterStore::map));
  }

  public Future<List<Cluster>> all() {
    return all(Optional.empty());
  }

  /**
   * By name; with a label filter, only those with the label key ({@code value} empty) or key=value.
   */
  public Future<List<Cluster>> all(Optional<Map.Entry<String, String>> label) {
    if (label.isEmpty()) {
      return pool.query("select * from flink_cluster order by name")
          .execute()
          .map(rows -> Rows.all(rows, ClusterStore::map));
    }
    boolean keyOnly = label.get().getValue().isEmpty();
    return pool.preparedQuery(
            "select * from flink_cluster where labels "
                + (keyOnly ? "?" : "@>")
                + " $1 order by name")
        .execute(
            Tuple.of(
                keyOnly
                    ? label.get().getKey()
                    : new JsonObject().put(label.get().getKey(), label.get().getValue())))
        .map(rows -> Rows.all(rows, ClusterStore::map));
  }

  /** A pipeline that runs on a cluster: while there is one, the cluster cannot be deleted. */
  public record UsedBy(long id, String name) {}

  /** The pipelines on the cluster, by name. */
  public Future<List<UsedBy>> pipelinesUsing(long id) {
    return pool.preparedQuery("select id, name from pipeline where cluster_id = $1 order by name")
        .execute(Tuple.of(id))
        .map(rows -> Rows.all(rows, r -> new UsedBy(r.getLong("id"), r.getString("name"))));
  }

  /** Deletes the cluster if it is still at {@code version}; false when it moved on. */
  public Future<Boolean> delete(long id, int version) {
    return pool.preparedQuery("delete from flink_cluster where id = $1 and version = $2")
        .execute(Tuple.of(id, version))
        .map(rows -> rows.rowCount() == 1)
        .recover(Sql::fail);
  }

  private static Cluster map(Row r) {
    return new Cluster(
        r.getLong("id"),
        r.getString("name"),
        r.getString("rest_url"),
        Cluster.Auth.fromStored(Rows.json(r, "auth")),
        Rows.stringMap(r, "headers"),
        Cluster.Tls.fromJson(Rows.json(r, "tls")),
        Rows.stringMap(r, "labels"),
        r.getString("description"),
        new Cluster.Cdc(r.getString("cdc_mode"), r.getString("cdc_version")),
        r.getInteger("version"),
        Rows.instant(r, "created_at"),
        Rows.instant(r, "updated_at"));
  }
}
