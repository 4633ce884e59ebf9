package io.cdcconsole.run;

import io.cdcconsole.cluster.Cluster;
import io.cdcconsole.cluster.ClusterService;
import io.cdcconsole.error.NotFound;
import io.cdcconsole.pipeline.PipelineService;
import io.cdcconsole.store.Page;
import io.cdcconsole.store.PageRequest;
import io.vertx.core.Future;
import java.util.Optional;

/** What is known of runs: lists, one run's whole story, transitions, the savepoint ledger. */
final class RunQueries {
  private final RunStore store;
  private final PipelineService pipelines;
  private final ClusterService clusters;
  private final RunCheckpoints checkpoints;

  RunQueries(
      RunStore store,
      PipelineService pipelines,
      ClusterService clusters,
      RunCheckpoints checkpoints) {
    this.store = store;
    this.pipelines = pipelines;
    this.clusters = clusters;
    this.checkpoints = checkpoints;
  }

  /**
   * Recent transitions across all runs, or the runs of one pipeline (by id or name), newest first.
   */
  Future<Page<RunTransition>> transitions(Optional<String> pipelineRef, PageRequest page) {
    return pipelineRef.isEmpty()
        ? store.recentTransitions(Optional.empty(), page)
        : pipelines
            .get(pipelineRef.get())
            .compose(p -> store.recentTransitions(Optional.of(p.id()), page));
  }

  Future<Page<Run>> list(String pipelineRef, PageRequest page) {
    return pipelines.get(pipelineRef).compose(p -> store.list(p.id(), page));
  }

  Future<Run> get(long runId) {
    return store
        .find(runId)
        .compose(
            found ->
                found
                    .map(Future::succeededFuture)
                    .orElseGet(() -> Future.failedFuture(new NotFound("No run " + runId + "."))));
  }

  /**
   * The whole story of a run: state, transitions, its savepoints, last checkpoint, and where to see
   * it in Flink.
   */
  Future<RunDetails> details(long runId) {
    return get(runId)
        .compose(
            run ->
                Future.all(
                        store.transitions(run.id()),
                        store.savepoints(run.pipelineId(), run.id()),
                        clusters.find(run.clusterId()))
                    .map(
                        all ->
                            new RunDetails(
                                run,
                                all.resultAt(0),
                                all.resultAt(1),
                                all.<Cluster>resultAt(2).restUrl()
                                    + "/#/job/"
                                    + (run.state().terminal() ? "completed" : "running")
                                    + "/"
                                    + run.jobId()
                                    + "/overview")));
  }

  /**
   * The pipeline's savepoint ledger and its restore point. A RUNNING job's latest checkpoint is
   * read first: between the watcher's reads (once a minute by default) the ledger would be up to
   * that much behind.
   */
  Future<SavepointLedger> ledger(String pipelineRef) {
    return pipelines
        .get(pipelineRef)
        .compose(
            p ->
                store
                    .active(p.id())
                    .compose(
                        active ->
                            active
                                .filter(run -> run.state() == RunState.RUNNING)
                                .map(run -> checkpoints.fetch(run).<Void>mapEmpty())
                                .orElse(Future.succeededFuture()))
                    .compose(
                        fresh ->
                            Future.all(store.savepoints(p.id(), null), store.restorePoint(p.id())))
                    .map(
                        all ->
                            new SavepointLedger(
                                all.<Optional<String>>resultAt(1).orElse(null), all.resultAt(0))));
  }
}
