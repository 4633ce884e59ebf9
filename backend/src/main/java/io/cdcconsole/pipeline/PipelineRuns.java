package io.cdcconsole.pipeline;

import io.vertx.core.Future;
import java.util.List;
import java.util.Map;

/**
 * What the pipelines need to know of runs (kept by the {@code run} package): each one's current
 * run.
 */
public interface PipelineRuns {
  /** The newest run of each pipeline that has one (without health). */
  Future<Map<Long, PipelineSummary.CurrentRun>> current(List<Long> pipelineIds);
}
