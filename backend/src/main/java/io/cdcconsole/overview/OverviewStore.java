package io.cdcconsole.overview;

import io.cdcconsole.run.RunState;
import io.cdcconsole.run.RunStore;
import io.cdcconsole.store.Rows;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The counts and the attention list of the console's first page, each in one query over pipelines
 * and their newest run.
 */
public final class OverviewStore {
  /** States of a current run that someone should look at (a stale run too, whatever its state). */
  static final List<RunState> ATTENTION =
      List.of(
          RunState.FAILED,
          RunState.LOST,
          RunState.RESTARTING,
          RunState.FAILING,
          RunState.FAILED_TO_SUBMIT);

  static final String NO_RUN = "NONE";
  static final int MAX_ATTENTION = 50;

  // the newest run of each pipeline, which the pipeline names; "since" is when it
  // entered its state,
  // or, for a stale run in an otherwise fine state, when its cluster last answered
  private static final String CURRENT_RUN =
      "left join lateral (select r.id, r.state, r.stale, r.last_error, "
          + "case when r.stale and r.state <> all($1) then coalesce("
          + RunStore.SEEN_AT
          + ", r.updated_at) "
          + "else (select max(t.at) from run_transition t where t.run_id = r.id) end as since "
          + "from pipeline_run r left join cluster_watch cw on cw.cluster_id = r.cluster_id "
          + "where r.id = p.current_run_id) cr on true ";

  private final Pool pool;

  public OverviewStore(Pool pool) {
    this.pool = pool;
  }

  /**
   * How many pipelines there are, by the state of their current run ({@code NONE}: never ran), and
   * how many are stale.
   */
  public record PipelineCounts(long total, Map<String, Long> byState, long stale) {}

  /** A pipeline that needs attention, with its current run. */
  public record Attention(
      long pipelineId,
      String pipeline,
      Long runId,
      String state,
      Boolean stale,
      String lastError,
      Instant since) {}

  /** Every state is in {@code byState}, with 0 when no pipeline is in it. */
  public Future<PipelineCounts> pipelineCounts() {
    return pool.preparedQuery(
            "select coalesce(cr.state, '"
                + NO_RUN
                + "') as state, count(*) as n, "
                + "count(*) filter (where cr.stale) as stale from pipeline p "
                + CURRENT_RUN
                + "group by 1")
        .execute(Tuple.of((Object) attentionStates()))
        .map(
            rows -> {
              Map<String, Long> byState = new LinkedHashMap<>();
              Arrays.stream(RunState.values()).forEach(s -> byState.put(s.name(), 0L));
              byState.put(NO_RUN, 0L);
              long total = 0;
              long stale = 0;
              for (var r : rows) {
                byState.put(r.getString("state"), r.getLong("n"));
                total += r.getLong("n");
                stale += r.getLong("stale");
              }
              return new PipelineCounts(total, byState, stale);
            });
  }

  /**
   * Pipelines whose current run failed, is failing or restarting, got lost, or is stale: newest
   * first.
   */
  public Future<List<Attention>> attention() {
    return pool.preparedQuery(
            "select p.id as pipeline_id, p.name, cr.* from pipeline p "
                + CURRENT_RUN
                + "where cr.state = any($1) or cr.stale order by cr.since desc nulls last, p.id desc limit $2")
        .execute(Tuple.of(attentionStates(), MAX_ATTENTION))
        .map(
            rows ->
                Rows.all(
                    rows,
                    r ->
                        new Attention(
                            r.getLong("pipeline_id"),
                            r.getString("name"),
                            r.getLong("id"),
                            r.getString("state"),
                            r.getBoolean("stale"),
                            r.getString("last_error"),
                            Rows.instant(r, "since"))));
  }

  private static String[] attentionStates() {
    return ATTENTION.stream().map(Enum::name).toArray(String[]::new);
  }
}
