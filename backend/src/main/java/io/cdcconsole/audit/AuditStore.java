package io.cdcconsole.audit;

import io.cdcconsole.store.Page;
import io.cdcconsole.store.PageRequest;
import io.cdcconsole.store.Rows;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/** The audit trail in {@code audit_event}: append and query, never update. */
public final class AuditStore {
  private final Pool pool;

  public AuditStore(Pool pool) {
    this.pool = pool;
  }

  public Future<Void> insert(AuditEvent e) {
    return pool.preparedQuery(
            "insert into audit_event (actor_id, actor_name, action, resource_type, resource_id, "
                + "outcome, status, client_address, detail) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
        .execute(
            Tuple.from(
                new Object[] {
                  e.actorId(),
                  e.actorName(),
                  e.action(),
                  e.resourceType(),
                  e.resourceId(),
                  e.outcome(),
                  e.status(),
                  e.clientAddress(),
                  e.detail()
                }))
        .mapEmpty();
  }

  /** Several rows in one batch (one connection): the coalesced denials of a window. */
  public Future<Void> insertAll(List<AuditEvent> events) {
    if (events.isEmpty()) {
      return Future.succeededFuture();
    }
    return pool.preparedQuery(
            "insert into audit_event (at, actor_id, actor_name, action, resource_type, resource_id, "
                + "outcome, status, client_address, detail) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
        .executeBatch(
            events.stream()
                .map(
                    e ->
                        Tuple.from(
                            new Object[] {
                              Rows.timestamp(e.at()),
                              e.actorId(),
                              e.actorName(),
                              e.action(),
                              e.resourceType(),
                              e.resourceId(),
                              e.outcome(),
                              e.status(),
                              e.clientAddress(),
                              e.detail()
                            }))
                .toList())
        .mapEmpty();
  }

  public Future<Page<AuditEvent>> find(AuditQuery q, PageRequest page) {
    Filter filter = filter(q);
    Future<Long> total = count(q);
    List<Object> pageArgs = new ArrayList<>(filter.args());
    pageArgs.add(page.limit());
    pageArgs.add(page.offset());
    Future<List<AuditEvent>> items =
        pool.preparedQuery(
                "select * from audit_event"
                    + filter.sql()
                    + " order by id desc limit $"
                    + (filter.args().size() + 1)
                    + " offset $"
                    + (filter.args().size() + 2))
            .execute(Tuple.from(pageArgs))
            .map(rows -> Rows.all(rows, AuditStore::map));
    return Future.all(total, items)
        .map(done -> new Page<>(items.result(), total.result(), page.limit(), page.offset()));
  }

  public Future<Long> count(AuditQuery q) {
    Filter filter = filter(q);
    return pool.preparedQuery("select count(*) from audit_event" + filter.sql())
        .execute(Tuple.from(filter.args()))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /**
   * The next {@code limit} matching rows below id {@code beforeId} (all when null), newest first:
   * keyset paging, so a long export reads batch after batch without an offset scan and without rows
   * shifting under it.
   */
  public Future<List<AuditEvent>> batch(AuditQuery q, Long beforeId, int limit) {
    Filter filter = filter(q);
    List<Object> args = new ArrayList<>(filter.args());
    List<String> where = new ArrayList<>(filter.where());
    if (beforeId != null) {
      condition(where, args, "id < $%d", beforeId);
    }
    args.add(limit);
    String sql =
        "select * from audit_event"
            + (where.isEmpty() ? "" : " where " + String.join(" and ", where))
            + " order by id desc limit $"
            + args.size();
    return pool.preparedQuery(sql)
        .execute(Tuple.from(args))
        .map(rows -> Rows.all(rows, AuditStore::map));
  }

  private record Filter(List<String> where, List<Object> args) {
    String sql() {
      return where.isEmpty() ? "" : " where " + String.join(" and ", where);
    }
  }

  private static Filter filter(AuditQuery q) {
    List<String> where = new ArrayList<>();
    List<Object> args = new ArrayList<>();
    q.actor().ifPresent(v -> condition(where, args, "lower(actor_name) = lower($%d)", v));
    q.action()
        .ifPresent(
            v -> {
              if (v.endsWith("*")) {
                condition(
                    where,
                    args,
                    "action like $%d",
                    v.substring(0, v.length() - 1).replace("%", "\\%").replace("_", "\\_") + "%");
              } else {
                condition(where, args, "action = $%d", v);
              }
            });
    q.resourceType().ifPresent(v -> condition(where, args, "resource_type = $%d", v));
    q.resourceId().ifPresent(v -> condition(where, args, "resource_id = $%d", v));
    q.outcome().ifPresent(v -> condition(where, args, "outcome = $%d", v));
    q.since().ifPresent(v -> condition(where, args, "at >= $%d", Rows.timestamp(v)));
    q.until().ifPresent(v -> condition(where, args, "at < $%d", Rows.timestamp(v)));
    return new Filter(where, args);
  }

  private static void condition(List<String> where, List<Object> args, String sql, Object value) {
    args.add(value);
    where.add(String.format(sql, args.size()));
  }

  private static AuditEvent map(Row r) {
    Object detail = r.getValue("detail");
    return new AuditEvent(
        r.getLong("id"),
        Rows.instant(r, "at"),
        r.getLong("actor_id"),
        r.getString("actor_name"),
        r.getString("action"),
        r.getString("resource_type"),
        r.getString("resource_id"),
        r.getString("outcome"),
        r.getInteger("status"),
        r.getString("client_address"),
        detail instanceof JsonObject j ? j : null);
  }
}
