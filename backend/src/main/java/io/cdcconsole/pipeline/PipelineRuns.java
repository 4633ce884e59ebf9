package io.cdcconsole.pipeline;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * What the pipelines need to know of runs (kept by the {@code run} package): each one's current
 * run.
 */
public interface PipelineRuns {
  /** The newest run of each pipeline that has one: {@code {id, state, stale, active}}. */
  Future<Map<Long, JsonObject>> current(List<Long> pipelineIds);
}
