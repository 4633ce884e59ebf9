package io.cdcconsole.run;

import io.cdcconsole.audit.AuditEvent;
import io.cdcconsole.audit.AuditStore;
import io.cdcconsole.cluster.ClusterClients;
import io.cdcconsole.cluster.ClusterService;
import io.cdcconsole.cluster.FlinkGateway;
import io.cdcconsole.error.NotFound;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger's retention policy: of each pipeline the newest {@code keep} savepoints and those
 * younger than {@code maxAge} stay, and never the restore point or a savepoint a run started from.
 * An entry that goes is disposed of by Flink ({@code POST /savepoint-disposal}) on the cluster of
 * the run that wrote it when that cluster is registered and answers; otherwise the entry is only
 * forgotten and its files stay. Each one leaves an audit row ({@code savepoint.dispose}) that says
 * which. At most {@link #PER_SWEEP} entries per sweep, one after the other.
 */
final class SavepointRetention {
  private static final Logger LOG = LoggerFactory.getLogger(SavepointRetention.class);
  static final int PER_SWEEP = 5;
  private static final Duration DISPOSAL_POLL = Duration.ofMillis(500);
  private static final int DISPOSAL_POLLS = 120;

  private final Vertx vertx;
  private final SavepointStore store;
  private final ClusterService clusters;
  private final ClusterClients clients;
  private final AuditStore audit;
  private final int keep;
  private final Duration maxAge;

  SavepointRetention(
      Vertx vertx,
      SavepointStore store,
      ClusterService clusters,
      ClusterClients clients,
      AuditStore audit,
      int keep,
      Duration maxAge) {
    this.vertx = vertx;
    this.store = store;
    this.clusters = clusters;
    this.clients = clients;
    this.audit = audit;
    this.keep = keep;
    this.maxAge = maxAge;
  }

  /** One bounded pass; never fails. */
  Future<Void> sweep() {
    return store
        .expired(keep, maxAge, PER_SWEEP)
        .compose(
            expired -> {
              Future<Void> chain = Future.succeededFuture();
              for (SavepointStore.Expired e : expired) {
                chain =
                    chain.compose(
                        ok ->
                            let(e)
                                .otherwise(
                                    err -> {
                                      LOG.warn(
                                          "Savepoint entry {} of pipeline {} not let go: {}",
                                          e.id(),
                                          e.pipelineId(),
                                          err.getMessage());
                                      return null;
                                    }));
              }
              return chain;
            })
        .otherwise(
            err -> {
              LOG.debug("Savepoint retention skipped this tick: {}", err.getMessage());
              return null;
            });
  }

  private Future<Void> let(SavepointStore.Expired e) {
    Future<String> how =
        e.path() == null
            ? Future.succeededFuture("forgotten: a failed savepoint, no files")
            : e.clusterId() == null
                ? Future.succeededFuture("forgotten: the run that wrote it is gone; files kept")
                : clusters
                    .find(e.clusterId())
                    .compose(clients::gateway)
                    .compose(flink -> dispose(flink, e.path()))
                    .recover(
                        err ->
                            Future.succeededFuture(
                                err instanceof NotFound
                                    ? "forgotten: its cluster is no longer registered; files kept"
                                    : "forgotten: Flink did not dispose of it ("
                                        + FlinkErrors.describe(err)
                                        + "); files may remain"));
    return how.compose(
        outcome ->
            store
                .forget(e.id())
                .compose(
                    forgotten -> {
                      if (!forgotten) {
                        return Future.succeededFuture();
                      }
                      LOG.info(
                          "Savepoint {} of pipeline {} let go by the retention policy: {}",
                          e.path(),
                          e.pipelineId(),
                          outcome);
                      return audit.insert(
                          new AuditEvent(
                              null,
                              Instant.now(),
                              null,
                              "console",
                              "savepoint.dispose",
                              "savepoint",
                              Long.toString(e.id()),
                              "success",
                              200,
                              null,
                              new JsonObject()
                                  .put("pipelineId", e.pipelineId())
                                  .put("path", e.path())
                                  .put("state", e.state())
                                  .put(
                                      "disposal",
                                      outcome.startsWith("disposed") ? "flink" : "forgotten")
                                  .put("outcome", outcome)));
                    }));
  }

  /** Flink's own disposal: trigger it, then follow it until Flink says it is done. */
  private Future<String> dispose(FlinkGateway flink, String path) {
    return flink.triggerDisposal(path).compose(requestId -> follow(flink, requestId, 0));
  }

  private Future<String> follow(FlinkGateway flink, String requestId, int polls) {
    return flink
        .disposalStatus(requestId)
        .compose(
            status -> {
              if (!status.completed()) {
                return polls >= DISPOSAL_POLLS
                    ? Future.failedFuture("no answer after " + polls + " looks")
                    : vertx
                        .timer(DISPOSAL_POLL.toMillis())
                        .compose(ok -> follow(flink, requestId, polls + 1));
              }
              return status.failure().isEmpty()
                  ? Future.succeededFuture("disposed by Flink")
                  : Future.failedFuture(FlinkErrors.firstLine(status.failure().get()));
            });
  }
}
