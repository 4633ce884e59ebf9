package io.cdcconsole.run;

import io.cdcconsole.cluster.ClusterLease;
import io.cdcconsole.pipeline.PipelineService;
import io.vertx.core.Future;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every part of the run wing does the same way: move a run and tell the event bus; scrub
 * Flink's text.
 */
final class RunMoves {
  private static final Logger LOG = LoggerFactory.getLogger(RunMoves.class);

  private final RunStore store;
  private final RunEvents events;
  private final PipelineService pipelines;
  private final SubmitYaml submitYaml;

  RunMoves(RunStore store, RunEvents events, PipelineService pipelines, SubmitYaml submitYaml) {
    this.store = store;
    this.events = events;
    this.pipelines = pipelines;
    this.submitYaml = submitYaml;
  }

  RunEvents events() {
    return events;
  }

  /** Moves the run (if it is still in {@code from}) and tells the event bus. */
  Future<Optional<Run>> moveTo(Run run, RunState from, RunState to, String source, String detail) {
    return told(from, to, source, store.transition(run.id(), from, to, source, detail, null));
  }

  /**
   * Moves the run as its cluster's watcher saw it, only while {@code lease} is still the cluster's:
   * a console that lost the lease records nothing.
   */
  Future<Optional<Run>> observed(
      Run run, ClusterLease lease, RunState to, String source, String detail) {
    return told(
        run.state(),
        to,
        source,
        store.transition(run.id(), run.state(), to, source, detail, null, null, lease, null));
  }

  /**
   * Ends a SUBMITTING run's submission in {@code to}, with {@code error} (null: kept) — only while
   * {@code fence} still holds its claim: a console that lost it writes nothing.
   */
  Future<Optional<Run>> submitted(
      Run run, Claim.Fence fence, RunState to, String source, String detail, String error) {
    return told(
        RunState.SUBMITTING,
        to,
        source,
        store.transition(
            run.id(), RunState.SUBMITTING, to, source, detail, null, fence, null, error));
  }

  private Future<Optional<Run>> told(
      RunState from, RunState to, String source, Future<Optional<RunStore.Moved>> transition) {
    return transition.map(
        moved ->
            moved.map(
                m -> {
                  RunLog.of(LOG.atInfo(), m.run())
                      .log(
                          "Run {} of '{}': {} -> {} ({})",
                          m.run().id(),
                          m.run().pipelineName(),
                          from,
                          to,
                          source);
                  events.changed(m.transition());
                  return m.run();
                }));
  }

  /**
   * {@code text} without the run's plaintext secrets. When they cannot be looked up, the text is
   * not kept at all: an unchecked text may hold one.
   */
  Future<String> scrub(Run run, String text) {
    return pipelines
        .version(Long.toString(run.pipelineId()), run.pipelineVersion())
        .compose(version -> submitYaml.secretsOf(version.yaml()))
        .map(secrets -> Scrubber.scrub(text, secrets))
        .otherwise(
            err -> {
              LOG.warn(
                  "Run {}: the secrets to scrub Flink's failure text with could not be read: {}",
                  run.id(),
                  err.getMessage());
              return "(Flink's failure text is withheld: it could not be checked for secrets)";
            });
  }
}
