package io.cdcconsole.pipeline;

import io.cdcconsole.lifecycle.Background;
import io.cdcconsole.store.Page;
import io.cdcconsole.store.PageRequest;
import io.cdcconsole.store.Rows;
import io.cdcconsole.store.Sql;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Pipelines in {@code pipeline} and their immutable history in {@code pipeline_version}, written
 * together.
 */
public final class PipelineStore {
  private static final String SELECT =
      "select p.*, u.username as owner_name from pipeline p "
          + "left join app_user u on u.id = p.owner_id ";

  /** What a save writes: the new current state and who made it. */
  public record Save(
      String name,
      String description,
      long clusterId,
      Map<String, String> labels,
      String yaml,
      List<String> secretRefs,
      Long authorId,
      String author,
      String comment) {}

  /**
   * List filters, each optional: {@code states} are run states of the pipeline's current (newest)
   * run, with {@link #NO_RUN} for a pipeline that has none; {@code stale} is that run's flag.
   */
  public record Filter(
      Optional<Long> clusterId,
      Optional<Map.Entry<String, String>> label,
      Optional<String> name,
      Set<String> states,
      Optional<Boolean> stale) {}

  public static final String NO_RUN = "NONE";

  /** How a list is ordered: by a column, ascending or not; ties go by id. */
  public record Order(Key key, boolean descending) {
    public enum Key {
      NAME,
      UPDATED_AT,
      STATE
    }

    public static final Order DEFAULT = new Order(Key.NAME, false);

    String sql() {
      String column =
          switch (key) {
            case NAME -> "p.name";
            case UPDATED_AT -> "p.updated_at";
            case STATE -> "coalesce(cr.state, '" + NO_RUN + "')";
          };
      String direction = descending ? " desc" : "";
      // names are unique: the name index alone gives the order; the others break ties by id
      return key == Key.NAME ? column + direction : column + direction + ", p.id" + direction;
    }
  }

  // the newest run of each pipeline, which the pipeline names (V18: a trigger on pipeline_run keeps
  // it), by primary key
  private static final String RUN_JOIN = "left join pipeline_run cr on cr.id = p.current_run_id ";
  private static final String CURRENT_RUN =
      RUN_JOIN
          // the health verdict of a RUNNING job (health/HealthWatcher writes it)
          + "left join run_health rh on rh.run_id = cr.id and cr.state = 'RUNNING' ";
  // the current run's columns come first in the list and the details statements (then run_active,
  // which the constructor adds), so that currentRun reads both by position: looking each value up
  // by name was 7 % of a list request's CPU (docs/benchmarks.md, "the list, profiled")
  private static final String RUN_COLUMNS =
      "select cr.id as run_id, cr.state as run_state, cr.stale as run_stale, "
          + "cr.job_id as run_job_id, cr.started_at as run_started_at, rh.status as run_health, "
          + "rh.reason as run_health_reason, rh.at as run_health_at, "
          + "coalesce(rh.sample->'emitLagMs', rh.sample->'fetchLagMs') as run_lag_ms, ";
  private static final int RUN_COLUMN_COUNT = 10;
  // what a list answers, from position RUN_COLUMN_COUNT on: no YAML, no secret references
  private static final String SUMMARY =
      ", p.id, p.name, p.description, p.cluster_id, p.labels, p.version, "
          + "p.created_at, p.updated_at, u.username as owner_name";
  // what the details answer: the pipeline as stored (the YAML too), read by name
  private static final String DETAIL =
      ", p.id, p.name, p.description, p.cluster_id, p.labels, p.owner_id, "
          + "p.yaml, p.secret_refs, p.version, p.created_at, p.updated_at, u.username as owner_name";

  /** A pipeline with its current run (null when it never ran), read in one statement. */
  public record Detail(Pipeline pipeline, PipelineSummary.CurrentRun currentRun) {}

  private final Pool pool;
  private final String summary;
  private final String detail;
  private final ListTotals totals = new ListTotals();

  /**
   * {@code terminalRunStates}: the names of the run states in which a run is over (enum constants).
   */
  public PipelineStore(Pool pool, List<String> terminalRunStates) {
    this.pool = pool;
    String active =
        "cr.state not in ("
            + String.join(
                ", ",
                terminalRunStates.stream()
                    .map(state -> "'" + state.replaceAll("[^A-Z_]", "") + "'")
                    .toList())
            + ") as run_active";
    this.summary = RUN_COLUMNS + active + SUMMARY;
    this.detail =
        RUN_COLUMNS
            + active
            + DETAIL
            + " from pipeline p left join app_user u on u.id = p.owner_id "
            + CURRENT_RUN;
  }

  /**
   * Published (body {@code {}}) when this replica created, changed or deleted a pipeline: the other
   * replicas' list totals drop (fanned out).
   */
  public static final String CHANGED_ADDRESS = "pipeline.changed";

  /**
   * Keeps list totals in step with runs while it runs: {@code runAddresses} are where run changes
   * are published.
   */
  public Background totalsListener(Vertx vertx, List<String> runAddresses) {
    return totals.listening(vertx, runAddresses);
  }

  public Future<Pipeline> insert(Save s) {
    return pool.withTransaction(
            conn ->
                conn.preparedQuery(
                        "insert into pipeline (name, description, cluster_id, "
                            + "labels, owner_id, yaml, secret_refs, version) values ($1, $2, $3, $4, $5, $6, $7, 1) returning id")
                    .execute(
                        Tuple.from(
                            new Object[] {
                              s.name(),
                              s.description(),
                              s.clusterId(),
                              Rows.json(s.labels()),
                              s.authorId(),
                              s.yaml(),
                              s.secretRefs().toArray(String[]::new)
                            }))
                    .compose(
                        rows -> {
                          long id = rows.iterator().next().getLong("id");
                          return insertVersion(conn, id, 1, s).map(id);
                        }))
        .onSuccess(id -> totals.changed())
        .compose(id -> find(id).map(Optional::orElseThrow))
        .recover(Sql::fail);
  }

  /**
   * Saves a new version if the current one is still {@code expectedVersion}; empty when someone
   * saved meanwhile.
   */
  public Future<Optional<Pipeline>> update(long id, int expectedVersion, Save s) {
    return pool.withTransaction(
            conn ->
                conn.preparedQuery(
                        "update pipeline set name = $2, description = $3, "
                            + "cluster_id = $4, labels = $5, yaml = $6, secret_refs = $7, version = version + 1, updated_at = now() "
                            + "where id = $1 and version = $8 returning version")
                    .execute(
                        Tuple.from(
                            new Object[] {
                              id,
                              s.name(),
                              s.description(),
                              s.clusterId(),
                              Rows.json(s.labels()),
                              s.yaml(),
                              s.secretRefs().toArray(String[]::new),
                              expectedVersion
                            }))
                    .compose(
                        rows ->
                            rows.rowCount() == 0
                                ? Future.succeededFuture(false)
                                : insertVersion(
                                        conn, id, rows.iterator().next().getInteger("version"), s)
                                    .map(true)))
        .onSuccess(saved -> totals.changed())
        .compose(saved -> saved ? find(id) : Future.succeededFuture(Optional.<Pipeline>empty()))
        .recover(Sql::fail);
  }

  private static Future<Void> insertVersion(SqlConnection conn, long id, int version, Save s) {
    return conn.preparedQuery(
            "insert into pipeline_version (pipeline_id, version, yaml, description, cluster_id, "
                + "labels, author_id, author_name, comment) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
        .execute(
            Tuple.from(
                new Object[] {
                  id,
                  version,
                  s.yaml(),
                  s.description(),
                  s.clusterId(),
                  Rows.json(s.labels()),
                  s.authorId(),
                  s.author(),
                  s.comment() == null ? "" : s.comment()
                }))
        .mapEmpty();
  }

  public Future<Optional<Pipeline>> find(long id) {
    return pool.preparedQuery(SELECT + "where p.id = $1")
        .execute(Tuple.of(id))
        .map(rows -> Rows.first(rows, PipelineStore::map));
  }

  /** The pipeline and its current run by id, one statement. */
  public Future<Optional<Detail>> detail(long id) {
    return pool.preparedQuery(detail + "where p.id = $1")
        .execute(Tuple.of(id))
        .map(rows -> Rows.first(rows, r -> new Detail(map(r), currentRun(r))));
  }

  /** The same by name. */
  public Future<Optional<Detail>> detailByName(String name) {
    return pool.preparedQuery(detail + "where p.name = $1")
        .execute(Tuple.of(name))
        .map(rows -> Rows.first(rows, r -> new Detail(map(r), currentRun(r))));
  }

  public Future<Optional<Pipeline>> findByName(String name) {
    return pool.preparedQuery(SELECT + "where p.name = $1")
        .execute(Tuple.of(name))
        .map(rows -> Rows.first(rows, PipelineStore::map));
  }

  /**
   * One page of pipelines with their current runs and the total, in one statement: the total is a
   * sub-query that reads the current runs only when a filter needs them, left out when {@link
   * ListTotals} knows it from a moment ago. Only a page past the end needs a second statement.
   */
  public Future<Page<PipelineSummary>> list(Filter f, Order order, PageRequest page) {
    List<String> where = new ArrayList<>();
    List<Object> args = new ArrayList<>();
    f.clusterId()
        .ifPresent(
            id -> {
              args.add(id);
              where.add("p.cluster_id = $" + args.size());
            });
    f.label()
        .ifPresent(
            label -> {
              if (label.getValue().isEmpty()) {
                args.add(label.getKey());
                where.add("p.labels ? $" + args.size());
              } else {
                args.add(new JsonObject().put(label.getKey(), label.getValue()));
                where.add("p.labels @> $" + args.size());
              }
            });
    f.name()
        .ifPresent(
            name -> {
              args.add(
                  "%" + name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
              where.add("p.name like $" + args.size());
            });
    boolean byRun = !f.states().isEmpty() || f.stale().isPresent();
    if (!f.states().isEmpty()) {
      args.add(f.states().stream().filter(s -> !NO_RUN.equals(s)).toArray(String[]::new));
      where.add(
          "(cr.state = any($"
              + args.size()
              + ")"
              + (f.states().contains(NO_RUN) ? " or cr.state is null)" : ")"));
    }
    f.stale().ifPresent(stale -> where.add(stale ? "cr.stale" : "not coalesce(cr.stale, false)"));
    String filter = (where.isEmpty() ? "" : "where " + String.join(" and ", where) + " ");
    String count = "select count(*) from pipeline p " + (byRun ? RUN_JOIN : "") + filter;
    ListTotals.Key key = ListTotals.Key.of(count, args, byRun);
    Optional<Long> known = totals.get(key);
    long generation = totals.generation(key);
    long startedAt = System.nanoTime();
    // the total in the same statement, unless a recent count of the same list is known; limit and
    // offset (checked
    // numbers) are written into the text, so that a cached prepared statement's generic plan is
    // planned for them
    String sql =
        summary
            + (known.isPresent() ? "" : ", (" + count + ") as total")
            + " from pipeline p left join app_user u on u.id = p.owner_id "
            + CURRENT_RUN
            + filter
            + "order by "
            + order.sql()
            + " limit "
            + page.limit()
            + " offset "
            + page.offset();
    return pool.preparedQuery(sql)
        .execute(Tuple.from(args))
        .compose(
            rows -> {
              List<PipelineSummary> items = Rows.all(rows, PipelineStore::mapSummary);
              Future<Long> total;
              if (known.isPresent()) {
                total = Future.succeededFuture(known.get());
              } else if (rows.size() > 0) {
                total = Future.succeededFuture(rows.iterator().next().getLong("total"));
              } else {
                // a page past the end does not see the total: count separately
                total =
                    page.offset() == 0
                        ? Future.succeededFuture(0L)
                        : pool.preparedQuery(count)
                            .execute(Tuple.from(args))
                            .map(r -> r.iterator().next().getLong(0));
              }
              return total
                  .onSuccess(
                      n -> {
                        if (known.isEmpty()) {
                          totals.put(key, n, startedAt, generation);
                        }
                      })
                  .map(n -> new Page<>(items, n, page.limit(), page.offset()));
            });
  }

  public Future<List<PipelineVersion>> versions(long id) {
    return pool.preparedQuery(
            "select * from pipeline_version where pipeline_id = $1 order by version desc")
        .execute(Tuple.of(id))
        .map(rows -> Rows.all(rows, PipelineStore::mapVersion));
  }

  public Future<Optional<PipelineVersion>> version(long id, int version) {
    return pool.preparedQuery(
            "select * from pipeline_version where pipeline_id = $1 and version = $2")
        .execute(Tuple.of(id, version))
        .map(rows -> Rows.first(rows, PipelineStore::mapVersion));
  }

  /** Deletes the pipeline if it is still at {@code version}; false when it moved on. */
  public Future<Boolean> delete(long id, int version) {
    return pool.preparedQuery("delete from pipeline where id = $1 and version = $2")
        .execute(Tuple.of(id, version))
        .onSuccess(rows -> totals.changed())
        .map(rows -> rows.rowCount() == 1);
  }

  private static Pipeline map(Row r) {
    return new Pipeline(
        r.getLong("id"),
        r.getString("name"),
        r.getString("description"),
        r.getLong("cluster_id"),
        Rows.stringMap(r, "labels"),
        r.getLong("owner_id"),
        r.getString("owner_name"),
        r.getString("yaml"),
        Arrays.asList(r.getArrayOfStrings("secret_refs")),
        r.getInteger("version"),
        Rows.instant(r, "created_at"),
        Rows.instant(r, "updated_at"));
  }

  private static PipelineSummary mapSummary(Row r) {
    int at = RUN_COLUMN_COUNT;
    return new PipelineSummary(
        r.getLong(at),
        r.getString(at + 1),
        r.getString(at + 2),
        r.getLong(at + 3),
        Rows.stringMap(r.getValue(at + 4)),
        r.getString(at + 8),
        r.getInteger(at + 5),
        Rows.instant(r.getOffsetDateTime(at + 6)),
        Rows.instant(r.getOffsetDateTime(at + 7)),
        currentRun(r));
  }

  /** The run columns, positions 0 to RUN_COLUMN_COUNT - 1. */
  private static PipelineSummary.CurrentRun currentRun(Row r) {
    Long runId = r.getLong(0);
    if (runId == null) {
      return null;
    }
    String health = r.getString(5);
    return new PipelineSummary.CurrentRun(
        runId,
        r.getString(1),
        r.getBoolean(2),
        r.getBoolean(9),
        r.getString(3),
        Rows.instant(r.getOffsetDateTime(4)),
        health == null
            ? null
            : new PipelineSummary.Health(
                health,
                r.getString(6),
                Rows.instant(r.getOffsetDateTime(7)),
                lagMs(r.getValue(8))));
  }

  private static Long lagMs(Object jsonb) {
    return jsonb instanceof Number n ? n.longValue() : null;
  }

  private static PipelineVersion mapVersion(Row r) {
    return new PipelineVersion(
        r.getLong("pipeline_id"),
        r.getInteger("version"),
        r.getString("yaml"),
        r.getString("description"),
        r.getLong("cluster_id"),
        Rows.stringMap(r, "labels"),
        r.getLong("author_id"),
        r.getString("author_name"),
        r.getString("comment"),
        Rows.instant(r, "created_at"));
  }
}
