package io.cdcconsole.run;

import io.cdcconsole.access.Principal;
import io.cdcconsole.cluster.Cluster;
import io.cdcconsole.cluster.ClusterClients;
import io.cdcconsole.cluster.ClusterService;
import io.cdcconsole.cluster.FlinkGateway;
import io.cdcconsole.cluster.FlinkRestClient.FlinkRestException;
import io.cdcconsole.error.Conflict;
import io.cdcconsole.error.NotFound;
import io.cdcconsole.error.ValidationFailed;
import io.cdcconsole.pipeline.PipelineService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * Jobs on a registered cluster that the console did not start: found (orphans) and tracked as runs
 * (adopted).
 */
final class RunAdoption {
  private final RunStore store;
  private final PipelineService pipelines;
  private final ClusterService clusters;
  private final ClusterClients clients;
  private final RunEvents events;

  RunAdoption(
      RunStore store,
      PipelineService pipelines,
      ClusterService clusters,
      ClusterClients clients,
      RunEvents events) {
    this.store = store;
    this.pipelines = pipelines;
    this.clusters = clusters;
    this.clients = clients;
    this.events = events;
  }

  /**
   * Jobs on registered clusters that the console did not start but that carry a pipeline's name
   * (e.g. started by hand or by an older tool): one {@code /jobs/overview} per reachable cluster,
   * asked now.
   */
  Future<List<Orphan>> orphans() {
    return clusters
        .list()
        .compose(
            all ->
                Future.join(
                        all.stream()
                            .map(
                                o ->
                                    clients
                                        .gateway(o.cluster())
                                        .compose(FlinkGateway::jobs)
                                        .compose(jobs -> orphansOn(o.cluster(), jobs))
                                        .otherwise(List.of()))
                            .toList())
                    .map(
                        done -> done.<List<Orphan>>list().stream().flatMap(List::stream).toList()));
  }

  private Future<List<Orphan>> orphansOn(Cluster cluster, List<FlinkGateway.JobSummary> jobs) {
    List<FlinkGateway.JobSummary> live =
        jobs.stream()
            .filter(job -> RunState.fromFlink(job.state()).map(s -> !s.terminal()).orElse(false))
            .toList();
    return store
        .knownJobIds(live.stream().map(FlinkGateway.JobSummary::id).toList())
        .compose(
            known ->
                Future.join(
                        live.stream()
                            .filter(job -> !known.contains(job.id()))
                            .map(
                                job ->
                                    pipelines
                                        .get(job.name())
                                        .map(
                                            p ->
                                                p.clusterId() == cluster.id()
                                                    ? new Orphan(
                                                        cluster.id(),
                                                        cluster.name(),
                                                        job.id(),
                                                        job.name(),
                                                        job.state(),
                                                        p.id(),
                                                        Instant.ofEpochMilli(job.startTime()))
                                                    : null)
                                        .otherwise((Orphan) null))
                            .toList())
                    .map(
                        found ->
                            found.<Orphan>list().stream()
                                .filter(java.util.Objects::nonNull)
                                .toList()));
  }

  /** Tracks a job the console did not start as a run of the pipeline whose name it carries. */
  Future<Run> adopt(Principal by, String pipelineRef, String jobId) {
    if (jobId == null || !jobId.matches("[0-9a-f]{32}")) {
      return Future.failedFuture(
          ValidationFailed.of("jobId", "must be a Flink JobID (32 hex characters)"));
    }
    return pipelines
        .get(pipelineRef)
        .compose(
            pipeline ->
                store
                    .active(pipeline.id())
                    .compose(
                        active -> {
                          if (active.isPresent()) {
                            return Future.failedFuture(
                                new Conflict(
                                    "Pipeline '"
                                        + pipeline.name()
                                        + "' has an active run already."));
                          }
                          return store
                              .knownJobIds(java.util.List.of(jobId))
                              .compose(
                                  known -> {
                                    if (!known.isEmpty()) {
                                      return Future.failedFuture(
                                          new Conflict(
                                              "Job " + jobId + " is tracked by a run already."));
                                    }
                                    return clusters
                                        .find(pipeline.clusterId())
                                        .compose(clients::gateway)
                                        .compose(flink -> flink.job(jobId))
                                        .recover(
                                            err ->
                                                Future.failedFuture(
                                                    err instanceof FlinkRestException f
                                                            && f.status() == 404
                                                        ? new NotFound(
                                                            "The pipeline's cluster has no job "
                                                                + jobId
                                                                + ".")
                                                        : err))
                                        .compose(
                                            job -> {
                                              if (!pipeline.name().equals(job.name())) {
                                                return Future.failedFuture(
                                                    new Conflict(
                                                        "Job "
                                                            + jobId
                                                            + " is named '"
                                                            + job.name()
                                                            + "', not after pipeline '"
                                                            + pipeline.name()
                                                            + "'."));
                                              }
                                              return store.insertAdopted(
                                                  new RunStore.NewRun(
                                                      pipeline.id(),
                                                      pipeline.version(),
                                                      pipeline.clusterId(),
                                                      jobId,
                                                      null,
                                                      false,
                                                      new JsonObject(),
                                                      null,
                                                      by.username()));
                                            });
                                  });
                        }))
        .map(
            moved -> {
              events.changed(moved.transition());
              return moved.run();
            });
  }
}
