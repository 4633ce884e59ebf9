package io.cdcconsole.alert;

import io.cdcconsole.store.Outbox;
import io.cdcconsole.store.Page;
import io.cdcconsole.store.PageRequest;
import io.cdcconsole.store.Rows;
import io.cdcconsole.store.Sql;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Alert channels, rules, silences, rule states and deliveries. */
final class AlertStore {
  private static final String RULES =
      "select r.*, p.name as pipeline_name, array(select c.name from alert_channel c "
          + "where c.id = any(r.channel_ids) order by c.name) as channel_names from alert_rule r "
          + "left join pipeline p on p.id = r.pipeline_id ";
  private static final String DELIVERIES =
      "select d.*, c.name as channel_name, c.type as channel_type, "
          + "r.name as rule_name, p.name as pipeline_name from alert_delivery d join alert_channel c on c.id = d.channel_id "
          + "left join alert_rule r on r.id = d.rule_id left join pipeline p on p.id = d.pipeline_id ";

  /** A rule's state for one pipeline. */
  record State(long ruleId, long pipelineId, String status, Long runId, int hits, Instant since) {}

  /** A delivery that is due, with its channel. */
  record Due(long id, int attempts, AlertChannel channel, AlertMessage message) {}

  /** A firing alert whose repeat interval has passed. */
  record Repeat(AlertRule rule, long pipelineId, String pipeline, Long runId, String summary) {}

  private final Pool pool;

  AlertStore(Pool pool) {
    this.pool = pool;
  }

  // channels

  Future<AlertChannel> insertChannel(
      String name, ChannelType type, JsonObject config, String description) {
    return pool.preparedQuery(
            "insert into alert_channel (name, type, config, description) values ($1, $2, $3, $4) "
                + "returning *")
        .execute(Tuple.of(name, type.json, config, description))
        .map(rows -> channel(rows.iterator().next()))
        .recover(Sql::fail);
  }

  /** Changes the channel if it is still at {@code version}; empty when it moved on (or went). */
  Future<Optional<AlertChannel>> updateChannel(
      long id, int version, JsonObject config, String description) {
    return pool.preparedQuery(
            "update alert_channel set config = $3, description = $4, updated_at = now(), "
                + "version = version + 1 where id = $1 and version = $2 returning *")
        .execute(Tuple.of(id, version, config, description))
        .map(rows -> Rows.first(rows, AlertStore::channel));
  }

  Future<List<AlertChannel>> channels() {
    return pool.query("select * from alert_channel order by name")
        .execute()
        .map(rows -> Rows.all(rows, AlertStore::channel));
  }

  Future<Optional<AlertChannel>> channel(String idOrName) {
    boolean id = idOrName.matches("\\d{1,18}");
    return pool.preparedQuery("select * from alert_channel where " + (id ? "id = $1" : "name = $1"))
        .execute(Tuple.of(id ? (Object) Long.parseLong(idOrName) : idOrName))
        .map(rows -> Rows.first(rows, AlertStore::channel));
  }

  /** Whether any rule sends to the channel. */
  Future<Boolean> channelInUse(long id) {
    return pool.preparedQuery(
            "select exists(select 1 from alert_rule where $1 = any(channel_ids)) as used")
        .execute(Tuple.of(id))
        .map(rows -> rows.iterator().next().getBoolean("used"));
  }

  /**
   * Deletes the channel if it is still at {@code version} and no rule sends to it (checked again in
   * the statement); false otherwise.
   */
  Future<Boolean> deleteChannel(long id, int version) {
    return pool.preparedQuery(
            "delete from alert_channel c where id = $1 and version = $2 "
                + "and not exists(select 1 from alert_rule r where c.id = any(r.channel_ids))")
        .execute(Tuple.of(id, version))
        .map(deleted -> deleted.rowCount() == 1);
  }

  /** The ids of the named channels; fails with the first name that is no channel. */
  Future<List<Long>> channelIds(List<String> names) {
    return pool.preparedQuery("select id, name from alert_channel where name = any($1)")
        .execute(Tuple.tuple().addArrayOfString(names.toArray(String[]::new)))
        .map(
            rows -> {
              List<Long> ids = new ArrayList<>();
              List<String> found = new ArrayList<>();
              rows.forEach(
                  r -> {
                    ids.add(r.getLong("id"));
                    found.add(r.getString("name"));
                  });
              names.stream()
                  .filter(n -> !found.contains(n))
                  .findFirst()
                  .ifPresent(
                      missing -> {
                        throw io.cdcconsole.error.ValidationFailed.of(
                            "channels", "no alert channel '" + missing + "'");
                      });
              return ids;
            });
  }

  // rules

  Future<AlertRule> insertRule(
      AlertService.RuleSpec spec, Long pipelineId, List<Long> channelIds, String by) {
    return pool.preparedQuery(
            "insert into alert_rule (name, pipeline_id, selector, kind, match_values, threshold_ms, "
                + "periods, severity, for_ms, repeat_ms, send_resolved, channel_ids, silenced_until, enabled, restarts, window_ms, "
                + "created_by) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) returning id")
        .execute(ruleTuple(spec, pipelineId, channelIds).addString(by))
        .compose(rows -> rule(rows.iterator().next().getLong("id")).map(Optional::orElseThrow))
        .recover(Sql::fail);
  }

  /** Replaces the rule if it is still at {@code version}; empty when it moved on (or went). */
  Future<Optional<AlertRule>> updateRule(
      long id, int version, AlertService.RuleSpec spec, Long pipelineId, List<Long> channelIds) {
    return pool.preparedQuery(
            "update alert_rule set name = $1, pipeline_id = $2, selector = $3, kind = $4, "
                + "match_values = $5, threshold_ms = $6, periods = $7, severity = $8, for_ms = $9, repeat_ms = $10, "
                + "send_resolved = $11, channel_ids = $12, silenced_until = $13, enabled = $14, restarts = $15, window_ms = $16, "
                + "version = version + 1 where id = $17 and version = $18")
        .execute(ruleTuple(spec, pipelineId, channelIds).addLong(id).addInteger(version))
        .compose(
            rows ->
                rows.rowCount() == 1
                    ? rule(id)
                    : Future.succeededFuture(Optional.<AlertRule>empty()))
        .recover(Sql::fail);
  }

  private static Tuple ruleTuple(
      AlertService.RuleSpec spec, Long pipelineId, List<Long> channelIds) {
    return Tuple.from(
        new Object[] {
          spec.name(),
          pipelineId,
          Rows.json(spec.selector()),
          spec.kind(),
          new JsonArray(List.copyOf(spec.values())),
          spec.thresholdMs(),
          spec.periods(),
          spec.severity(),
          spec.forMs(),
          spec.repeatMs(),
          spec.sendResolved(),
          channelIds.toArray(Long[]::new),
          Rows.timestamp(spec.silencedUntil()),
          spec.enabled(),
          spec.restarts(),
          spec.windowMs()
        });
  }

  Future<Optional<AlertRule>> rule(long id) {
    return pool.preparedQuery(RULES + "where r.id = $1")
        .execute(Tuple.of(id))
        .map(rows -> Rows.first(rows, AlertStore::rule));
  }

  Future<List<AlertRule>> rules() {
    return pool.query(RULES + "order by r.name")
        .execute()
        .map(rows -> Rows.all(rows, AlertStore::rule));
  }

  /** Deletes the rule if it is still at {@code version}; false otherwise. */
  Future<Boolean> deleteRule(long id, int version) {
    return pool.preparedQuery("delete from alert_rule where id = $1 and version = $2")
        .execute(Tuple.of(id, version))
        .map(rows -> rows.rowCount() == 1);
  }

  /**
   * The enabled rules of these kinds that apply to the pipeline: its own, and those whose selector
   * its labels match.
   */
  Future<List<AlertRule>> rulesFor(long pipelineId, List<String> kinds) {
    return pool.preparedQuery(
            RULES.replace(
                    "left join pipeline p on p.id = r.pipeline_id ",
                    "join pipeline p on p.id = $1 and (r.pipeline_id = p.id or (r.pipeline_id is null and p.labels @> r.selector)) ")
                + "where r.enabled and r.kind = any($2) order by r.id")
        .execute(Tuple.tuple().addLong(pipelineId).addArrayOfString(kinds.toArray(String[]::new)))
        .map(rows -> Rows.all(rows, AlertStore::rule));
  }

  // silences

  Future<AlertSilence> insertSilence(long pipelineId, Instant until, String reason, String by) {
    return pool.preparedQuery(
            "insert into alert_silence (pipeline_id, until, reason, created_by) values ($1, $2, $3, $4) "
                + "returning id")
        .execute(Tuple.of(pipelineId, Rows.timestamp(until), reason, by))
        .compose(rows -> silence(rows.iterator().next().getLong("id")))
        .map(Optional::orElseThrow);
  }

  Future<Optional<AlertSilence>> silence(long id) {
    return pool.preparedQuery(
            "select s.*, p.name from alert_silence s join pipeline p on p.id = s.pipeline_id where s.id = $1")
        .execute(Tuple.of(id))
        .map(rows -> Rows.first(rows, AlertStore::silence));
  }

  Future<List<AlertSilence>> silences() {
    return pool.query(
            "select s.*, p.name from alert_silence s join pipeline p on p.id = s.pipeline_id "
                + "where s.until > now() order by s.until")
        .execute()
        .map(rows -> Rows.all(rows, AlertStore::silence));
  }

  /** Deletes the silence if it is still at {@code version}; false otherwise. */
  Future<Boolean> deleteSilence(long id, int version) {
    return pool.preparedQuery("delete from alert_silence where id = $1 and version = $2")
        .execute(Tuple.of(id, version))
        .map(rows -> rows.rowCount() == 1);
  }

  Future<Boolean> silenced(long ruleId, long pipelineId) {
    return pool.preparedQuery(
            "select exists (select 1 from alert_rule where id = $1 and silenced_until > now()) "
                + "or exists (select 1 from alert_silence where pipeline_id = $2 and until > now()) as silenced")
        .execute(Tuple.of(ruleId, pipelineId))
        .map(rows -> rows.iterator().next().getBoolean("silenced"));
  }

  // states

  Future<Optional<State>> state(long ruleId, long pipelineId) {
    return pool.preparedQuery("select * from alert_state where rule_id = $1 and pipeline_id = $2")
        .execute(Tuple.of(ruleId, pipelineId))
        .map(
            rows ->
                Rows.first(
                    rows,
                    r ->
                        new State(
                            r.getLong("rule_id"),
                            r.getLong("pipeline_id"),
                            r.getString("status"),
                            r.getLong("run_id"),
                            r.getInteger("hits"),
                            Rows.instant(r, "since"))));
  }

  /** The condition holds (again): a new PENDING state, or one more hit of a pending one. */
  Future<State> pending(long ruleId, long pipelineId, Long runId) {
    return pool.preparedQuery(
            "insert into alert_state (rule_id, pipeline_id, status, run_id, hits) "
                + "values ($1, $2, 'PENDING', $3, 1) on conflict (rule_id, pipeline_id) do update set hits = alert_state.hits + 1, "
                + "run_id = excluded.run_id returning *")
        .execute(Tuple.of(ruleId, pipelineId, runId))
        .map(
            rows -> {
              Row r = rows.iterator().next();
              return new State(
                  ruleId,
                  pipelineId,
                  r.getString("status"),
                  r.getLong("run_id"),
                  r.getInteger("hits"),
                  Rows.instant(r, "since"));
            });
  }

  /**
   * The alert fires: its state and its deliveries (one per channel, unless {@code silenced}) in one
   * transaction, so that a restart neither fires it twice nor loses it.
   */
  Future<Void> fire(
      AlertRule rule,
      long pipelineId,
      Long runId,
      String summary,
      AlertMessage message,
      boolean silenced) {
    return pool.withTransaction(
            conn ->
                conn.preparedQuery(
                        "insert into alert_state (rule_id, pipeline_id, status, "
                            + "run_id, hits, fired_at, last_sent_at, summary) values ($1, $2, 'FIRING', $3, 1, now(), now(), $4) "
                            + "on conflict (rule_id, pipeline_id) do update set status = 'FIRING', run_id = excluded.run_id, "
                            + "fired_at = now(), last_sent_at = now(), summary = excluded.summary")
                    .execute(Tuple.of(rule.id(), pipelineId, runId, summary))
                    .compose(
                        ok ->
                            silenced
                                ? Future.succeededFuture()
                                : enqueue(conn, rule.id(), pipelineId, message)))
        .mapEmpty();
  }

  /**
   * The condition cleared: the state goes, and the resolved notice is queued when the alert had
   * fired.
   */
  Future<Void> clear(AlertRule rule, long pipelineId, AlertMessage resolved, boolean silenced) {
    return pool.withTransaction(
            conn ->
                conn.preparedQuery(
                        "delete from alert_state where rule_id = $1 and pipeline_id = $2 "
                            + "returning status")
                    .execute(Tuple.of(rule.id(), pipelineId))
                    .compose(
                        rows -> {
                          boolean wasFiring =
                              rows.size() == 1
                                  && "FIRING".equals(rows.iterator().next().getString("status"));
                          return wasFiring && rule.sendResolved() && !silenced
                              ? enqueue(conn, rule.id(), pipelineId, resolved)
                              : Future.succeededFuture();
                        }))
        .mapEmpty();
  }

  private static Future<Void> enqueue(
      SqlClient conn, long ruleId, long pipelineId, AlertMessage message) {
    return conn.preparedQuery(
            "insert into alert_delivery (channel_id, rule_id, pipeline_id, event, message, status) "
                + "select c, r.id, $2, $3, $4, 'PENDING' from alert_rule r, unnest(r.channel_ids) c where r.id = $1 "
                + "and exists (select 1 from alert_channel where id = c)")
        .execute(Tuple.of(ruleId, pipelineId, message.event(), message.toJson()))
        .mapEmpty();
  }

  Future<Void> enqueueTest(long channelId, AlertMessage message) {
    return pool.preparedQuery(
            "insert into alert_delivery (channel_id, event, message, status) values ($1, 'TEST', $2, "
                + "'PENDING')")
        .execute(Tuple.of(channelId, message.toJson()))
        .mapEmpty();
  }

  /** Firing alerts whose repeat interval has passed since they were last sent. */
  Future<List<Repeat>> repeats() {
    return pool.query(
            RULES
                    .replace(
                        "left join pipeline p on p.id = r.pipeline_id ",
                        "join alert_state s on s.rule_id = r.id join pipeline p on p.id = s.pipeline_id ")
                    .replace(
                        "select r.*,",
                        "select r.*, s.pipeline_id as state_pipeline, s.run_id as state_run, s.summary as state_summary,")
                + "where s.status = 'FIRING' and r.enabled and r.repeat_ms > 0 "
                + "and s.last_sent_at + r.repeat_ms * interval '1 millisecond' <= now()")
        .execute()
        .map(
            rows ->
                Rows.all(
                    rows,
                    r ->
                        new Repeat(
                            rule(r),
                            r.getLong("state_pipeline"),
                            r.getString("pipeline_name"),
                            r.getLong("state_run"),
                            r.getString("state_summary"))));
  }

  Future<Void> repeated(long ruleId, long pipelineId, AlertMessage message, boolean silenced) {
    return pool.withTransaction(
        conn ->
            conn.preparedQuery(
                    "update alert_state set last_sent_at = now() "
                        + "where rule_id = $1 and pipeline_id = $2")
                .execute(Tuple.of(ruleId, pipelineId))
                .compose(
                    ok ->
                        silenced
                            ? Future.succeededFuture()
                            : enqueue(conn, ruleId, pipelineId, message)));
  }

  Future<List<FiringAlert>> firing() {
    return pool.query(
            "select s.*, r.name as rule_name, r.severity, p.name as pipeline_name from alert_state s "
                + "join alert_rule r on r.id = s.rule_id join pipeline p on p.id = s.pipeline_id order by s.since")
        .execute()
        .map(
            rows ->
                Rows.all(
                    rows,
                    r ->
                        new FiringAlert(
                            r.getString("rule_name"),
                            r.getString("pipeline_name"),
                            r.getString("severity"),
                            r.getString("status"),
                            r.getLong("run_id"),
                            Rows.instant(r, "since"),
                            Rows.instant(r, "fired_at"),
                            r.getString("summary"))));
  }

  // deliveries: the same outbox pattern as the DolphinScheduler triggers (ds/TriggerStore)

  /** Claims up to {@code limit} due deliveries for this console ({@link Outbox}). */
  Future<List<Due>> due(int limit) {
    return pool.preparedQuery(
            Outbox.claimDue("alert_delivery")
                + "select d.id as delivery_id, d.attempts, d.message, c.* from claimed d "
                + "join alert_channel c on c.id = d.channel_id order by d.id")
        .execute(Tuple.of(limit))
        .map(
            rows ->
                Rows.all(
                    rows,
                    r ->
                        new Due(
                            r.getLong("delivery_id"),
                            r.getInteger("attempts"),
                            channel(r),
                            AlertMessage.fromJson(r.getJsonObject("message")))));
  }

  /** Records the delivery made, unless it is no longer as claimed ({@link Outbox}). */
  Future<Void> delivered(Due due, String response) {
    return pool.preparedQuery(
            "update alert_delivery set status = 'DELIVERED', attempts = attempts + 1, "
                + "delivered_at = now(), response = $2, last_error = null"
                + Outbox.asClaimed(3))
        .execute(Tuple.of(due.id(), response, due.attempts()))
        .mapEmpty();
  }

  /** Records a failed attempt; retried in {@code retryInMillis}, or given up when that is null. */
  Future<Void> failed(Due due, String error, Long retryInMillis) {
    return pool.preparedQuery(
            "update alert_delivery set attempts = attempts + 1, last_error = $2, "
                + "status = case when $3::bigint is null then 'FAILED' else 'PENDING' end, "
                + "next_attempt_at = now() + coalesce($3::bigint, 0) * interval '1 millisecond'"
                + Outbox.asClaimed(4))
        .execute(Tuple.of(due.id(), error, retryInMillis, due.attempts()))
        .mapEmpty();
  }

  /** A page of deliveries, newest first, optionally of one status. */
  Future<Page<AlertDelivery>> deliveries(String status, PageRequest page) {
    String where = status == null ? "" : "where d.status = $3 ";
    Tuple args =
        status == null
            ? Tuple.of(page.limit(), page.offset())
            : Tuple.of(page.limit(), page.offset(), status);
    return pool.preparedQuery(DELIVERIES + where + "order by d.id desc limit $1 offset $2")
        .execute(args)
        .compose(
            rows -> {
              List<AlertDelivery> items = Rows.all(rows, AlertStore::delivery);
              return pool.preparedQuery(
                      "select count(*) as n from alert_delivery d "
                          + (status == null ? "" : "where d.status = $1"))
                  .execute(status == null ? Tuple.tuple() : Tuple.of(status))
                  .map(
                      count ->
                          new Page<>(
                              items,
                              count.iterator().next().getLong("n"),
                              page.limit(),
                              page.offset()));
            });
  }

  Future<Optional<AlertDelivery>> delivery(long id) {
    return pool.preparedQuery(DELIVERIES + "where d.id = $1")
        .execute(Tuple.of(id))
        .map(rows -> Rows.first(rows, AlertStore::delivery));
  }

  /**
   * "Retry now" (as {@code TriggerStore#retry}): answers the delivery as it was before; a delivered
   * one is left alone.
   */
  Future<Optional<AlertDelivery>> retry(long id) {
    return pool.withTransaction(
        conn ->
            conn.preparedQuery(DELIVERIES + "where d.id = $1 for update of d")
                .execute(Tuple.of(id))
                .compose(
                    rows -> {
                      Optional<AlertDelivery> found = Rows.first(rows, AlertStore::delivery);
                      if (found.isEmpty() || found.get().delivered()) {
                        return Future.succeededFuture(found);
                      }
                      return conn.preparedQuery(
                              "update alert_delivery set status = 'PENDING', next_attempt_at = now() where id = $1")
                          .execute(Tuple.of(id))
                          .map(found);
                    }));
  }

  private static AlertDelivery delivery(Row r) {
    String status = r.getString("status");
    return new AlertDelivery(
        r.getLong("id"),
        r.getString("channel_name"),
        ChannelType.of(r.getString("channel_type")),
        r.getString("rule_name"),
        r.getString("pipeline_name"),
        r.getString("event"),
        AlertMessage.fromJson(r.getJsonObject("message")),
        status,
        r.getInteger("attempts"),
        r.getString("last_error"),
        r.getString("response"),
        Rows.instant(r, "created_at"),
        Rows.instant(r, "delivered_at"),
        "PENDING".equals(status) ? Rows.instant(r, "next_attempt_at") : null);
  }

  private static AlertSilence silence(Row r) {
    return new AlertSilence(
        r.getLong("id"),
        r.getString("name"),
        Rows.instant(r, "until"),
        r.getString("reason"),
        r.getInteger("version"),
        r.getString("created_by"),
        Rows.instant(r, "created_at"));
  }

  private static AlertChannel channel(Row r) {
    return new AlertChannel(
        r.getLong("id"),
        r.getString("name"),
        ChannelType.of(r.getString("type")),
        r.getJsonObject("config"),
        r.getString("description"),
        r.getInteger("version"),
        Rows.instant(r, "created_at"),
        Rows.instant(r, "updated_at"));
  }

  private static AlertRule rule(Row r) {
    String[] channels = r.getArrayOfStrings("channel_names");
    return new AlertRule(
        r.getLong("id"),
        r.getString("name"),
        r.getLong("pipeline_id"),
        r.getLong("pipeline_id") == null ? null : r.getString("pipeline_name"),
        Rows.stringMap(r, "selector"),
        r.getString("kind"),
        ((JsonArray) r.getValue("match_values")).stream().map(String::valueOf).toList(),
        r.getLong("threshold_ms"),
        r.getInteger("periods"),
        r.getInteger("restarts"),
        r.getLong("window_ms"),
        r.getString("severity"),
        r.getLong("for_ms"),
        r.getLong("repeat_ms"),
        r.getBoolean("send_resolved"),
        channels == null ? List.of() : List.of(channels),
        Rows.instant(r, "silenced_until"),
        r.getBoolean("enabled"),
        r.getInteger("version"),
        r.getString("created_by"),
        Rows.instant(r, "created_at"));
  }
}
