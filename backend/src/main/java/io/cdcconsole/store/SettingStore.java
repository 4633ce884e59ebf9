package io.cdcconsole.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;

/** Console-wide values kept in the database (not user-editable configuration). */
public final class SettingStore {
  private final Pool pool;

  public SettingStore(Pool pool) {
    this.pool = pool;
  }

  public Future<Optional<String>> get(String name) {
    return pool.preparedQuery("select value from console_setting where name = $1")
        .execute(Tuple.of(name))
        .map(rows -> Rows.first(rows, r -> r.getString("value")));
  }

  public Future<Void> put(String name, String value) {
    return pool.preparedQuery(
            "insert into console_setting (name, value) values ($1, $2) "
                + "on conflict (name) do update set value = excluded.value")
        .execute(Tuple.of(name, value))
        .mapEmpty();
  }

  /** Stores the value unless one is there already; answers the value that is stored afterwards. */
  public Future<String> putIfAbsent(String name, String value) {
    return pool.preparedQuery(
            "insert into console_setting (name, value) values ($1, $2) on conflict (name) do nothing")
        .execute(Tuple.of(name, value))
        .compose(ignored -> get(name))
        .map(Optional::orElseThrow);
  }
}
