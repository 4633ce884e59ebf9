package io.cdcconsole.run;

import io.cdcconsole.cluster.ClusterClients;
import io.cdcconsole.cluster.ClusterService;
import io.cdcconsole.cluster.FlinkGateway;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a job's latest completed checkpoint from Flink into its run and the pipeline's ledger
 * (where an externally addressable one becomes the restore point). Asked on the watcher's budgeted
 * cadence and on demand: when the job leaves RUNNING, before a stop or cancel is sent, when the
 * restore point is asked for. Writes only a checkpoint the run does not have yet; never fails (a
 * checkpoint that cannot be read leaves the run's as it was).
 */
final class RunCheckpoints {
  private static final Logger LOG = LoggerFactory.getLogger(RunCheckpoints.class);
  private static final String NOT_ADDRESSABLE = "<checkpoint-not-externally-addressable>";

  private final RunStore store;
  private final ClusterService clusters;
  private final ClusterClients clients;

  RunCheckpoints(RunStore store, ClusterService clusters, ClusterClients clients) {
    this.store = store;
    this.clusters = clusters;
    this.clients = clients;
  }

  /**
   * Asks the run's cluster now; answers the run's latest checkpoint as known afterwards (null:
   * none).
   */
  Future<Run.Checkpoint> fetch(Run run) {
    return clusters
        .find(run.clusterId())
        .compose(clients::gateway)
        .compose(flink -> fetch(flink, run))
        .otherwise(run.lastCheckpoint());
  }

  Future<Run.Checkpoint> fetch(FlinkGateway flink, Run run) {
    return flink
        .latestCheckpoint(run.jobId())
        .compose(latest -> record(run, latest))
        .recover(
            err -> {
              LOG.debug("Run {}: checkpoints not read: {}", run.id(), err.getMessage());
              return Future.succeededFuture(run.lastCheckpoint());
            });
  }

  /**
   * Records what Flink answered as the job's latest completed checkpoint (read here or by the
   * health sampler); answers the run's latest checkpoint as known afterwards.
   */
  Future<Run.Checkpoint> record(Run run, Optional<FlinkGateway.Checkpoint> latest) {
    if (latest.isEmpty()) {
      return Future.succeededFuture(run.lastCheckpoint());
    }
    FlinkGateway.Checkpoint completed = latest.get();
    Long id = completed.id();
    if (run.lastCheckpoint() != null && Objects.equals(id, run.lastCheckpoint().id())) {
      return Future.succeededFuture(run.lastCheckpoint());
    }
    Long ackedAt = completed.ackedAt();
    String path = completed.externalPath();
    Run.Checkpoint last =
        new Run.Checkpoint(id, ackedAt == null ? null : Instant.ofEpochMilli(ackedAt), path);
    boolean addressable = path != null && !path.isBlank() && !NOT_ADDRESSABLE.equals(path);
    // the ledger and the restore point follow only a checkpoint newer than the stored one
    return store
        .checkpoint(run.id(), last)
        .compose(
            newer ->
                newer && addressable
                    ? store.recordSavepoint(
                        run.pipelineId(), run.id(), "checkpoint", "checkpoint", path)
                    : Future.succeededFuture())
        .map(last)
        .recover(
            err -> {
              LOG.debug("Run {}: checkpoint not recorded: {}", run.id(), err.getMessage());
              return Future.succeededFuture(run.lastCheckpoint());
            });
  }
}
