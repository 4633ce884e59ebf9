package io.cdcconsole.ds;

import io.cdcconsole.store.Outbox;
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

/** DS connections, triggers and deliveries. */
final class TriggerStore {
  private static final String TRIGGERS =
      "select t.*, c.name as connection_name from ds_trigger t "
          + "join ds_connection c on c.id = t.connection_id ";
  private static final String DELIVERIES =
      "select d.*, t.workflow_code, t.on_state from ds_delivery d "
          + "join ds_trigger t on t.id = d.trigger_id ";

  /** A delivery that is due, with what it takes to make it. */
  record Due(
      long id,
      int attempts,
      DsTrigger trigger,
      DsConnection connection,
      long runId,
      String state) {}

  private final Pool pool;

  TriggerStore(Pool pool) {
    this.pool = pool;
  }

  Future<DsConnection> insertConnection(
      String name, String url, String version, String token, String description) {
    return pool.preparedQuery(
            "insert into ds_connection (name, url, version, token, description) "
                + "values ($1, $2, $3, $4, $5) returning *")
        .execute(Tuple.of(name, url, version, token, description))
        .map(rows -> connection(rows.iterator().next()))
        .recover(Sql::fail);
  }

  /** Changes the connection if it is still at {@code revision}; empty when it moved on. */
  Future<Optional<DsConnection>> updateConnection(
      long id, int revision, String url, String version, String token, String description) {
    return pool.preparedQuery(
            "update ds_connection set url = $3, version = $4, token = $5, description = $6, "
                + "revision = revision + 1, updated_at = now() where id = $1 and revision = $2 returning *")
        .execute(Tuple.of(id, revision, url, version, token, description))
        .map(rows -> Rows.first(rows, TriggerStore::connection));
  }

  Future<List<DsConnection>> connections() {
    return pool.query("select * from ds_connection order by name")
        .execute()
        .map(rows -> Rows.all(rows, TriggerStore::connection));
  }

  Future<Optional<DsConnection>> connection(long id) {
    return pool.preparedQuery("select * from ds_connection where id = $1")
        .execute(Tuple.of(id))
        .map(rows -> Rows.first(rows, TriggerStore::connection));
  }

  Future<Optional<DsConnection>> connection(String name) {
    return pool.preparedQuery("select * from ds_connection where name = $1")
        .execute(Tuple.of(name))
        .map(rows -> Rows.first(rows, TriggerStore::connection));
  }

  /** Deletes the connection if it is still at {@code revision}; false when it moved on. */
  Future<Boolean> deleteConnection(long id, int revision) {
    return pool.preparedQuery("delete from ds_connection where id = $1 and revision = $2")
        .execute(Tuple.of(id, revision))
        .map(rows -> rows.rowCount() == 1)
        .recover(Sql::fail);
  }

  Future<DsTrigger> insertTrigger(
      long pipelineId,
      long connectionId,
      String onState,
      String projectCode,
      String workflowCode,
      Map<String, String> params,
      String by) {
    return pool.preparedQuery(
            "insert into ds_trigger (pipeline_id, connection_id, on_state, project_code, workflow_code, "
                + "params, created_by) values ($1, $2, $3, $4, $5, $6, $7) returning id")
        .execute(
            Tuple.from(
                new Object[] {
                  pipelineId,
                  connectionId,
                  onState,
                  projectCode,
                  workflowCode,
                  Rows.json(params),
                  by
                }))
        .compose(rows -> trigger(rows.iterator().next().getLong("id")));
  }

  /**
   * Changes a trigger of the pipeline if it is still at {@code version}; empty when there is none
   * at that version.
   */
  Future<Optional<DsTrigger>> updateTrigger(
      long pipelineId,
      long id,
      int version,
      long connectionId,
      String onState,
      String projectCode,
      String workflowCode,
      Map<String, String> params,
      boolean enabled) {
    return pool.preparedQuery(
            "update ds_trigger set connection_id = $4, on_state = $5, project_code = $6, "
                + "workflow_code = $7, params = $8, enabled = $9, version = version + 1 "
                + "where id = $1 and pipeline_id = $2 and version = $3")
        .execute(
            Tuple.from(
                new Object[] {
                  id,
                  pipelineId,
                  version,
                  connectionId,
                  onState,
                  projectCode,
                  workflowCode,
                  Rows.json(params),
                  enabled
                }))
        .compose(
            rows ->
                rows.rowCount() == 1
                    ? trigger(id).map(Optional::of)
                    : Future.succeededFuture(Optional.empty()));
  }

  private Future<DsTrigger> trigger(long id) {
    return pool.preparedQuery(TRIGGERS + "where t.id = $1")
        .execute(Tuple.of(id))
        .map(rows -> trigger(rows.iterator().next()));
  }

  /** The pipeline's trigger; empty when the pipeline has no such trigger. */
  Future<Optional<DsTrigger>> trigger(long pipelineId, long id) {
    return pool.preparedQuery(TRIGGERS + "where t.id = $1 and t.pipeline_id = $2")
        .execute(Tuple.of(id, pipelineId))
        .map(rows -> Rows.first(rows, TriggerStore::trigger));
  }

  Future<List<DsTrigger>> triggers(long pipelineId) {
    return pool.preparedQuery(TRIGGERS + "where t.pipeline_id = $1 order by t.id")
        .execute(Tuple.of(pipelineId))
        .map(rows -> Rows.all(rows, TriggerStore::trigger));
  }

  /** Deletes the pipeline's trigger if it is still at {@code version}; false otherwise. */
  Future<Boolean> deleteTrigger(long pipelineId, long id, int version) {
    return pool.preparedQuery(
            "delete from ds_trigger where id = $1 and pipeline_id = $2 and version = $3")
        .execute(Tuple.of(id, pipelineId, version))
        .map(rows -> rows.rowCount() == 1);
  }

  /**
   * Turns the transitions after {@code cursor} into deliveries of the triggers they match (at most
   * once per trigger and transition) and answers the new cursor. Safe to repeat: nothing is lost if
   * the console stops in between.
   */
  Future<Long> enqueue(long cursor) {
    return pool.withTransaction(
        conn ->
            conn.preparedQuery(
                    "select coalesce(max(id), $1) as last from "
                        + "(select id from run_transition where id > $1 order by id limit 1000) batch")
                .execute(Tuple.of(cursor))
                .compose(
                    rows -> {
                      long last = rows.iterator().next().getLong("last");
                      return conn.preparedQuery(
                              "insert into ds_delivery (trigger_id, transition_id, run_id, status) "
                                  + "select g.id, t.id, t.run_id, 'PENDING' from run_transition t "
                                  + "join pipeline_run r on r.id = t.run_id "
                                  + "join ds_trigger g on g.pipeline_id = r.pipeline_id and g.enabled and g.on_state = t.to_state "
                                  + "where t.id > $1 and t.id <= $2 on conflict (trigger_id, transition_id) do nothing")
                          .execute(Tuple.of(cursor, last))
                          .map(last);
                    }));
  }

  /** Claims up to {@code limit} due deliveries for this console ({@link Outbox}). */
  Future<List<Due>> due(int limit) {
    return pool.preparedQuery(
            Outbox.claimDue("ds_delivery")
                + "select d.id as delivery_id, d.attempts, d.run_id, t2.to_state, "
                + "t.*, c.name as connection_name, "
                + "c.id as c_id, c.name as c_name, c.url as c_url, c.version as c_version, c.token as c_token, "
                + "c.description as c_description, c.revision as c_revision, c.created_at as c_created_at, c.updated_at as c_updated_at "
                + "from claimed d join ds_trigger t on t.id = d.trigger_id join ds_connection c on c.id = t.connection_id "
                + "join run_transition t2 on t2.id = d.transition_id order by d.id")
        .execute(Tuple.of(limit))
        .map(
            rows ->
                Rows.all(
                    rows,
                    r ->
                        new Due(
                            r.getLong("delivery_id"),
                            r.getInteger("attempts"),
                            trigger(r),
                            new DsConnection(
                                r.getLong("c_id"),
                                r.getString("c_name"),
                                r.getString("c_url"),
                                r.getString("c_version"),
                                r.getString("c_token"),
                                r.getString("c_description"),
                                r.getInteger("c_revision"),
                                Rows.instant(r, "c_created_at"),
                                Rows.instant(r, "c_updated_at")),
                            r.getLong("run_id"),
                            r.getString("to_state"))));
  }

  /** Records the delivery made, unless it is no longer as claimed ({@link Outbox}). */
  Future<Void> delivered(Due due, DsDelivery.Answer response) {
    return pool.preparedQuery(
            "update ds_delivery set status = 'DELIVERED', attempts = attempts + 1, delivered_at = now(), "
                + "response = $2, last_error = null"
                + Outbox.asClaimed(3))
        .execute(Tuple.of(due.id(), response.toJson(), due.attempts()))
        .mapEmpty();
  }

  /**
   * Records a failed attempt; the delivery is retried at {@code retryInMillis}, or given up when
   * that is null.
   */
  Future<Void> failed(Due due, String error, Long retryInMillis) {
    return pool.preparedQuery(
            "update ds_delivery set attempts = attempts + 1, last_error = $2, "
                + "status = case when $3::bigint is null then 'FAILED' else 'PENDING' end, "
                + "next_attempt_at = now() + coalesce($3::bigint, 0) * interval '1 millisecond'"
                + Outbox.asClaimed(4))
        .execute(Tuple.of(due.id(), error, retryInMillis, due.attempts()))
        .mapEmpty();
  }

  /** The pipeline's newest deliveries (200 at most), newest first. */
  Future<List<DsDelivery>> deliveries(long pipelineId) {
    return pool.preparedQuery(DELIVERIES + "where t.pipeline_id = $1 order by d.id desc limit 200")
        .execute(Tuple.of(pipelineId))
        .map(rows -> Rows.all(rows, TriggerStore::delivery));
  }

  /**
   * Makes a delivery of the pipeline due now ("retry now"): a pending one is brought forward, a
   * failed one gets one more attempt (it fails again at once if DS still refuses). Answers the
   * delivery as it was before, empty when the pipeline has no such delivery; a delivered one is
   * left alone.
   */
  Future<Optional<DsDelivery>> retry(long pipelineId, long id) {
    return pool.withTransaction(
        conn ->
            conn.preparedQuery(
                    DELIVERIES + "where t.pipeline_id = $1 and d.id = $2 for update of d")
                .execute(Tuple.of(pipelineId, id))
                .compose(
                    rows -> {
                      Optional<DsDelivery> found = Rows.first(rows, TriggerStore::delivery);
                      if (found.isEmpty() || found.get().delivered()) {
                        return Future.succeededFuture(found);
                      }
                      return conn.preparedQuery(
                              "update ds_delivery set status = 'PENDING', next_attempt_at = now() where id = $1")
                          .execute(Tuple.of(id))
                          .map(found);
                    }));
  }

  Future<Optional<DsDelivery>> delivery(long pipelineId, long id) {
    return pool.preparedQuery(DELIVERIES + "where t.pipeline_id = $1 and d.id = $2")
        .execute(Tuple.of(pipelineId, id))
        .map(rows -> Rows.first(rows, TriggerStore::delivery));
  }

  private static DsDelivery delivery(Row r) {
    String status = r.getString("status");
    return new DsDelivery(
        r.getLong("id"),
        r.getLong("trigger_id"),
        r.getLong("run_id"),
        r.getString("on_state"),
        r.getString("workflow_code"),
        status,
        r.getInteger("attempts"),
        r.getString("last_error"),
        r.getValue("response") instanceof JsonObject answer ? DsDelivery.Answer.of(answer) : null,
        Rows.instant(r, "created_at"),
        Rows.instant(r, "delivered_at"),
        "PENDING".equals(status) ? Rows.instant(r, "next_attempt_at") : null);
  }

  private static DsConnection connection(Row r) {
    return new DsConnection(
        r.getLong("id"),
        r.getString("name"),
        r.getString("url"),
        r.getString("version"),
        r.getString("token"),
        r.getString("description"),
        r.getInteger("revision"),
        Rows.instant(r, "created_at"),
        Rows.instant(r, "updated_at"));
  }

  private static DsTrigger trigger(Row r) {
    return new DsTrigger(
        r.getLong("id"),
        r.getLong("pipeline_id"),
        r.getLong("connection_id"),
        r.getString("connection_name"),
        r.getString("on_state"),
        r.getString("project_code"),
        r.getString("workflow_code"),
        Rows.stringMap(r, "params"),
        r.getBoolean("enabled"),
        r.getString("created_by"),
        r.getInteger("version"),
        Rows.instant(r, "created_at"));
  }
}
