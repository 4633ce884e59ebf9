package io.cdcconsole.auth;

import io.cdcconsole.access.Role;
import io.cdcconsole.access.TokenScope;
import io.cdcconsole.store.Page;
import io.cdcconsole.store.PageRequest;
import io.cdcconsole.store.Rows;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** API tokens in {@code api_token}, found by the SHA-256 of their secret. */
public final class TokenStore {
  private static final String SELECT =
      "select t.id, t.user_id, u.username, t.name, t.role, t.created_at, t.expires_at, "
          + "t.last_used_at, t.revoked_at, t.scope from api_token t join app_user u on u.id = t.user_id ";

  /** A token found by its secret, with its owner as the owner is now. */
  public record Owned(ApiToken token, User owner) {}

  private final Pool pool;

  public TokenStore(Pool pool) {
    this.pool = pool;
  }

  public Future<ApiToken> insert(
      long userId, String name, String tokenHash, Role role, Instant expiresAt, TokenScope scope) {
    return pool.preparedQuery(
            "insert into api_token (user_id, name, token_hash, role, expires_at, scope) "
                + "values ($1, $2, $3, $4, $5, $6) returning id")
        .execute(
            Tuple.from(
                new Object[] {
                  userId,
                  name,
                  tokenHash,
                  role.json(),
                  Rows.timestamp(expiresAt),
                  scope == null ? null : scope.toJson()
                }))
        .compose(rows -> findById(rows.iterator().next().getLong("id")))
        .map(Optional::orElseThrow);
  }

  public Future<Optional<ApiToken>> findById(long id) {
    return pool.preparedQuery(SELECT + "where t.id = $1")
        .execute(Tuple.of(id))
        .map(rows -> Rows.first(rows, TokenStore::map));
  }

  public Future<Optional<Owned>> findByHash(String tokenHash) {
    return pool.preparedQuery(
            "select t.id as token_id, t.user_id, t.name, t.role as token_role, t.created_at as token_created_at, "
                + "t.expires_at, t.last_used_at, t.revoked_at, t.scope, u.id, u.username, u.role, u.disabled, u.session_version, "
                + "u.created_at, u.updated_at from api_token t join app_user u on u.id = t.user_id where t.token_hash = $1")
        .execute(Tuple.of(tokenHash))
        .map(
            rows ->
                Rows.first(
                    rows,
                    r ->
                        new Owned(
                            new ApiToken(
                                r.getLong("token_id"),
                                r.getLong("user_id"),
                                r.getString("username"),
                                r.getString("name"),
                                Role.parse(r.getString("token_role")).orElseThrow(),
                                Rows.instant(r, "token_created_at"),
                                Rows.instant(r, "expires_at"),
                                Rows.instant(r, "last_used_at"),
                                Rows.instant(r, "revoked_at"),
                                scope(r)),
                            UserStore.map(r))));
  }

  /** Lists tokens, of one user or (userId null) of everyone, newest first. */
  public Future<Page<ApiToken>> list(Long userId, PageRequest page) {
    String where = userId == null ? "" : "where t.user_id = $3 ";
    Tuple args =
        userId == null
            ? Tuple.of(page.limit(), page.offset())
            : Tuple.of(page.limit(), page.offset(), userId);
    Future<List<ApiToken>> items =
        pool.preparedQuery(SELECT + where + "order by t.id desc limit $1 offset $2")
            .execute(args)
            .map(rows -> Rows.all(rows, TokenStore::map));
    Future<Long> total =
        pool.preparedQuery(
                "select count(*) from api_token t "
                    + (userId == null ? "" : "where t.user_id = $1"))
            .execute(userId == null ? Tuple.tuple() : Tuple.of(userId))
            .map(rows -> rows.iterator().next().getLong(0));
    return Future.all(items, total)
        .map(done -> new Page<>(items.result(), total.result(), page.limit(), page.offset()));
  }

  /** Marks the token revoked; answers false when it was revoked already. */
  public Future<Boolean> revoke(long id) {
    return pool.preparedQuery(
            "update api_token set revoked_at = now() where id = $1 and revoked_at is null")
        .execute(Tuple.of(id))
        .map(rows -> rows.rowCount() == 1);
  }

  /**
   * Records use, at most once a minute per token, so that busy automation does not write on every
   * call.
   */
  public Future<Void> touch(long id) {
    return pool.preparedQuery(
            "update api_token set last_used_at = now() where id = $1 "
                + "and (last_used_at is null or last_used_at < now() - interval '1 minute')")
        .execute(Tuple.of(id))
        .mapEmpty();
  }

  private static ApiToken map(Row r) {
    return new ApiToken(
        r.getLong("id"),
        r.getLong("user_id"),
        r.getString("username"),
        r.getString("name"),
        Role.parse(r.getString("role")).orElseThrow(),
        Rows.instant(r, "created_at"),
        Rows.instant(r, "expires_at"),
        Rows.instant(r, "last_used_at"),
        Rows.instant(r, "revoked_at"),
        scope(r));
  }

  private static TokenScope scope(Row r) {
    return r.getValue("scope") instanceof io.vertx.core.json.JsonObject json
        ? TokenScope.fromJson(json)
        : null;
  }
}
