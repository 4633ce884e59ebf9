package io.cdcconsole.cluster;

import io.cdcconsole.error.Conflict;
import io.cdcconsole.store.Rows;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Optional;

/** Clusters in {@code flink_cluster}. */
public final class ClusterStore {
  private static final String UNIQUE_VIOLATION = "23505";

  private final Pool pool;

  public ClusterStore(Pool pool) {
    this.pool = pool;
  }

  public Future<Cluster> insert(Cluster c) {
    return pool.preparedQuery("insert into flink_cluster (name, rest_url, auth, headers, tls, labels, description, "
            + "cdc_mode, cdc_version) values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning *")
        .execute(Tuple.from(new Object[] {c.name(), c.restUrl(), c.auth().toStored(), Rows.json(c.headers()),
            c.tls().toJson(), Rows.json(c.labels()), c.description(), c.cdc().mode(), c.cdc().version()}))
        .map(rows -> map(rows.iterator().next()))
        .recover(err -> duplicate(err, c.name()));
  }

  /** Writes the new definition if the stored version is still {@code expectedVersion}; empty when it moved on. */
  public Future<Optional<Cluster>> update(Cluster c, int expectedVersion) {
    return pool.preparedQuery("update flink_cluster set name = $2, rest_url = $3, auth = $4, headers = $5, tls = $6, "
            + "labels = $7, description = $8, cdc_mode = $9, cdc_version = $10, version = version + 1, updated_at = now() "
            + "where id = $1 and version = $11 returning *")
        .execute(Tuple.from(new Object[] {c.id(), c.name(), c.restUrl(), c.auth().toStored(), Rows.json(c.headers()),
            c.tls().toJson(), Rows.json(c.labels()), c.description(), c.cdc().mode(), c.cdc().version(), expectedVersion}))
        .map(rows -> Rows.first(rows, ClusterStore::map))
        .recover(err -> duplicate(err, c.name()));
  }

  public Future<Optional<Cluster>> find(long id) {
    return pool.preparedQuery("select * from flink_cluster where id = $1").execute(Tuple.of(id))
        .map(rows -> Rows.first(rows, ClusterStore::map));
  }

  public Future<Optional<Cluster>> findByName(String name) {
    return pool.preparedQuery("select * from flink_cluster where name = $1").execute(Tuple.of(name))
        .map(rows -> Rows.first(rows, ClusterStore::map));
  }

  public Future<List<Cluster>> all() {
    return pool.query("select * from flink_cluster order by name").execute().map(rows -> Rows.all(rows, ClusterStore::map));
  }

  /** Names of the pipelines that target the cluster: while there are any, it cannot be deleted. */
  /** {@code {id, name}} of each pipeline on the cluster, by name. */
  public Future<List<JsonObject>> pipelinesUsing(long id) {
    return pool.preparedQuery("select id, name from pipeline where cluster_id = $1 order by name").execute(Tuple.of(id))
        .map(rows -> Rows.all(rows, r -> new JsonObject().put("id", r.getLong("id")).put("name", r.getString("name"))));
  }

  public Future<Boolean> delete(long id) {
    return pool.preparedQuery("delete from flink_cluster where id = $1").execute(Tuple.of(id))
        .map(rows -> rows.rowCount() == 1)
        // a pipeline was created for it between the check and the delete
        .recover(err -> err instanceof PgException pg && "23503".equals(pg.getSqlState())
            ? Future.failedFuture(new Conflict("Pipelines use this cluster; move or delete them first."))
            : Future.failedFuture(err));
  }

  private static <T> Future<T> duplicate(Throwable err, String name) {
    return Future.failedFuture(err instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())
        ? new Conflict("A cluster named '" + name + "' exists already.") : err);
  }



  private static Cluster map(Row r) {
    return new Cluster(r.getLong("id"), r.getString("name"), r.getString("rest_url"),
        Cluster.Auth.fromStored(Rows.json(r, "auth")), Rows.stringMap(r, "headers"),
        Cluster.Tls.fromJson(Rows.json(r, "tls")), Rows.stringMap(r, "labels"), r.getString("description"),
        new Cluster.Cdc(r.getString("cdc_mode"), r.getString("cdc_version")), r.getInteger("version"),
        Rows.instant(r, "created_at"), Rows.instant(r, "updated_at"));
  }

}
