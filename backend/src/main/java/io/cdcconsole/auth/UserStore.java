package io.cdcconsole.auth;

import io.cdcconsole.access.Role;
import io.cdcconsole.store.Page;
import io.cdcconsole.store.PageRequest;
import io.cdcconsole.store.Rows;
import io.cdcconsole.store.Sql;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;

/** Users in {@code app_user}. */
public final class UserStore {
  private static final String COLUMNS =
      "id, username, role, disabled, session_version, created_at, updated_at";

  /** A user with the password hash, for sign-in only. */
  public record WithHash(User user, String passwordHash) {}

  private final Pool pool;

  public UserStore(Pool pool) {
    this.pool = pool;
  }

  public Future<Long> count() {
    return pool.query("select count(*) from app_user")
        .execute()
        .map(rows -> rows.iterator().next().getLong(0));
  }

  public Future<User> insert(String username, String passwordHash, Role role) {
    return pool.preparedQuery(
            "insert into app_user (username, password_hash, role) values ($1, $2, $3) returning "
                + COLUMNS)
        .execute(Tuple.of(username, passwordHash, role.json()))
        .map(rows -> map(rows.iterator().next()))
        .recover(Sql::fail);
  }

  public Future<Optional<User>> findById(long id) {
    return pool.preparedQuery("select " + COLUMNS + " from app_user where id = $1")
        .execute(Tuple.of(id))
        .map(rows -> Rows.first(rows, UserStore::map));
  }

  public Future<Optional<WithHash>> findByUsername(String username) {
    return pool.preparedQuery(
            "select " + COLUMNS + ", password_hash from app_user where lower(username) = lower($1)")
        .execute(Tuple.of(username))
        .map(rows -> Rows.first(rows, r -> new WithHash(map(r), r.getString("password_hash"))));
  }

  public Future<Optional<String>> passwordHash(long id) {
    return pool.preparedQuery("select password_hash from app_user where id = $1")
        .execute(Tuple.of(id))
        .map(rows -> Rows.first(rows, r -> r.getString("password_hash")));
  }

  public Future<Page<User>> list(PageRequest page) {
    Future<Long> total = count();
    Future<java.util.List<User>> items =
        pool.preparedQuery("select " + COLUMNS + " from app_user order by id limit $1 offset $2")
            .execute(Tuple.of(page.limit(), page.offset()))
            .map(rows -> Rows.all(rows, UserStore::map));
    return Future.all(total, items)
        .map(done -> new Page<>(items.result(), total.result(), page.limit(), page.offset()));
  }

  /**
   * Applies the changes that are present; a new password hash also ends every session of the user.
   */
  public Future<Optional<User>> update(
      long id, Optional<Role> role, Optional<Boolean> disabled, Optional<String> passwordHash) {
    return update(id, role, disabled, passwordHash, false);
  }

  /**
   * As {@link #update(long, Optional, Optional, Optional)}; with {@code revokeTokens} and a new
   * password, the user's API tokens are revoked in the same statement (an admin's reset after a
   * compromise), so none outlives it.
   */
  public Future<Optional<User>> update(
      long id,
      Optional<Role> role,
      Optional<Boolean> disabled,
      Optional<String> passwordHash,
      boolean revokeTokens) {
    return pool.preparedQuery(
            "with revoked as (update api_token set revoked_at = now() "
                + "where user_id = $1 and revoked_at is null and $5 and $4::text is not null) "
                + "update app_user set "
                + "role = coalesce($2, role), "
                + "disabled = coalesce($3, disabled), "
                + "password_hash = coalesce($4, password_hash), "
                + "session_version = session_version + (case when $4::text is null then 0 else 1 end), "
                + "updated_at = now() "
                + "where id = $1 returning "
                + COLUMNS)
        .execute(
            Tuple.of(
                id,
                role.map(Role::json).orElse(null),
                disabled.orElse(null),
                passwordHash.orElse(null),
                revokeTokens))
        .map(rows -> Rows.first(rows, UserStore::map));
  }

  /** Ends every session of the user (sign-out): the JWTs carry the old session version. */
  public Future<Void> endSessions(long id) {
    return pool.preparedQuery(
            "update app_user set session_version = session_version + 1, updated_at = now() where id = $1")
        .execute(Tuple.of(id))
        .mapEmpty();
  }

  /**
   * How many enabled admins other than {@code exceptId} there are: the last one may not be demoted
   * or disabled.
   */
  public Future<Long> countOtherEnabledAdmins(long exceptId) {
    return pool.preparedQuery(
            "select count(*) from app_user where role = 'admin' and not disabled and id <> $1")
        .execute(Tuple.of(exceptId))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  static User map(Row r) {
    return new User(
        r.getLong("id"),
        r.getString("username"),
        Role.parse(r.getString("role")).orElseThrow(),
        r.getBoolean("disabled"),
        r.getInteger("session_version"),
        Rows.instant(r, "created_at"),
        Rows.instant(r, "updated_at"));
  }
}
