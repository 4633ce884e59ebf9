package io.cdcconsole.launcher;

import org.apache.flink.cdc.common.configuration.Configuration;
import org.apache.flink.cdc.common.pipeline.PipelineOptions;
import org.apache.flink.cdc.composer.PipelineExecution;
import org.apache.flink.cdc.composer.definition.PipelineDef;
import org.apache.flink.cdc.composer.flink.FlinkPipelineComposer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Parses the (flattened) pipeline YAML, composes it non-blocking on the current (context) execution
 * environment and submits it, with the Flink CDC API generation found on the cluster's class path
 * ({@link FlinkCdcApi#detect()}). Only the types every Flink CDC 3.1–3.6 has under the same names
 * are used directly here; what differs between releases is called through the adapters.
 */
final class PipelineSubmitter {

  private PipelineSubmitter() {}

  /** What went wrong where: the message prefix of the launcher's error. */
  enum Stage {
    PARSE("Invalid pipeline definition"),
    COMPOSE("Could not build the pipeline"),
    SUBMIT("Could not submit the pipeline");

    final String problem;

    Stage(String problem) {
      this.problem = problem;
    }
  }

  /** A failure of one stage; the cause is Flink CDC's (or the connector's) exception. */
  static final class StageException extends Exception {
    private static final long serialVersionUID = 1L;
    final Stage stage;

    StageException(Stage stage, Throwable cause) {
      super(stage.problem, cause);
      this.stage = stage;
    }
  }

  /** The submitted job's id and the API generation that composed it. */
  record Submitted(String jobId, String generation) {}

  static Submitted submit(String yaml) throws StageException, PipelineLaunchException {
    FlinkCdcApi api = FlinkCdcApi.detect();
    // inside /jars/{id}/run: the context environment, with the run request's jobId,
    // savepointPath, parallelism and flinkConfiguration
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();

    PipelineDef definition;
    try {
      definition = api.parse(yaml, globalPipelineConfig(env));
    } catch (Exception | LinkageError e) {
      throw new StageException(Stage.PARSE, e);
    }
    FlinkPipelineComposer composer = api.composer(env);
    PipelineExecution execution;
    try {
      execution = composer.compose(definition);
    } catch (RuntimeException | LinkageError e) {
      throw new StageException(Stage.COMPOSE, e);
    }
    try {
      return new Submitted(execution.execute().getId(), api.generation());
    } catch (Exception | LinkageError e) {
      throw new StageException(Stage.SUBMIT, e);
    }
  }

  /**
   * Defaults under the YAML's {@code pipeline} section (the CLI's {@code flink-cdc.yaml}): {@code
   * parallelism} is the environment's (the run request's {@code parallelism}, else the cluster's
   * {@code parallelism.default}), instead of Flink CDC's fixed 1, which would make the request's
   * parallelism ineffective. {@code pipeline.parallelism} in the YAML still wins.
   */
  static Configuration globalPipelineConfig(StreamExecutionEnvironment env) {
    Configuration global = new Configuration();
    int parallelism = env.getParallelism();
    if (parallelism > 0) {
      global.set(PipelineOptions.PIPELINE_PARALLELISM, parallelism);
    }
    return global;
  }
}
