package io.cdcconsole.secret;

import io.cdcconsole.store.Rows;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Named secrets in {@code named_secret}; values are {@code ENC(...)}. */
public final class SecretStore {
  private static final String SELECT =
      "select s.name, s.description, s.version, s.created_at, s.updated_at, s.updated_by, "
          + "coalesce((select array_agg(p.name order by p.name) from pipeline p where s.name = any(p.secret_refs)), '{}') "
          + "as used_by from named_secret s ";

  private final Pool pool;

  public SecretStore(Pool pool) {
    this.pool = pool;
  }

  /** Creates the secret; empty when the name is taken. Answers its version. */
  public Future<Optional<Integer>> insert(
      String name, String encryptedValue, String description, String updatedBy) {
    return pool.preparedQuery(
            "insert into named_secret (name, value, description, updated_by) values ($1, $2, $3, $4) "
                + "on conflict (name) do nothing returning version")
        .execute(Tuple.of(name, encryptedValue, description, updatedBy))
        .map(rows -> Rows.first(rows, r -> r.getInteger("version")));
  }

  /**
   * Replaces the value if the secret is still at {@code version}; empty otherwise. Answers the new
   * version.
   */
  public Future<Optional<Integer>> replace(
      String name, int version, String encryptedValue, String description, String updatedBy) {
    return pool.preparedQuery(
            "update named_secret set value = $3, description = $4, updated_by = $5, "
                + "updated_at = now(), version = version + 1 where name = $1 and version = $2 returning version")
        .execute(Tuple.of(name, version, encryptedValue, description, updatedBy))
        .map(rows -> Rows.first(rows, r -> r.getInteger("version")));
  }

  public Future<List<NamedSecret>> list() {
    return pool.query(SELECT + "order by s.name")
        .execute()
        .map(rows -> Rows.all(rows, SecretStore::map));
  }

  public Future<Optional<NamedSecret>> find(String name) {
    return pool.preparedQuery(SELECT + "where s.name = $1")
        .execute(Tuple.of(name))
        .map(rows -> Rows.first(rows, SecretStore::map));
  }

  /** The encrypted values of the named secrets that exist. */
  public Future<Map<String, String>> encryptedValues(Set<String> names) {
    if (names.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return pool.preparedQuery("select name, value from named_secret where name = any($1)")
        .execute(Tuple.of(names.toArray(String[]::new)))
        .map(
            rows -> {
              Map<String, String> values = new HashMap<>();
              rows.forEach(r -> values.put(r.getString("name"), r.getString("value")));
              return values;
            });
  }

  /** Deletes the secret if it is still at {@code version}; false otherwise. */
  public Future<Boolean> delete(String name, int version) {
    return pool.preparedQuery("delete from named_secret where name = $1 and version = $2")
        .execute(Tuple.of(name, version))
        .map(rows -> rows.rowCount() == 1);
  }

  private static NamedSecret map(Row r) {
    return new NamedSecret(
        r.getString("name"),
        r.getString("description"),
        r.getInteger("version"),
        Rows.instant(r, "created_at"),
        Rows.instant(r, "updated_at"),
        r.getString("updated_by"),
        Arrays.asList(r.getArrayOfStrings("used_by")));
  }
}
