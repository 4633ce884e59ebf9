package io.cdcconsole.sandbox.jobs;

import java.lang.reflect.Constructor;
import org.apache.flink.cdc.cli.parser.YamlPipelineDefinitionParser;
import org.apache.flink.cdc.common.configuration.Configuration;
import org.apache.flink.cdc.composer.PipelineExecution;
import org.apache.flink.cdc.composer.definition.PipelineDef;
import org.apache.flink.cdc.composer.flink.FlinkPipelineComposer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * A Flink CDC YAML pipeline (given as {@code args[0]}) parsed and composed inside the cluster, the
 * way a pipeline runner jar submitted through /jars/{id}/run would do it. The Flink CDC classes
 * (cli parser, composer, runtime, values connector) come from the cluster: this jar contains only
 * this class.
 *
 * <p>Flink CDC 3.2.0 has no public composer for this case: {@code ofRemoteCluster} builds its own
 * environment with {@code execution.target: remote} (a client, bypassing the cluster's context
 * environment and the jobId of the run request), and {@code ofMiniCluster} uses {@code
 * getExecutionEnvironment()} but is blocking, so {@code execute()} asks the job client for the job
 * result, which web submission refuses ("The Job Result cannot be fetched through the Job Client
 * when in Web Submission") after the job was submitted. The private constructor {@code
 * (StreamExecutionEnvironment, boolean blocking)} with the context environment and {@code false}
 * does the right thing: submit and return.
 */
public final class ValuesPipelineJob {

  private ValuesPipelineJob() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      throw new IllegalArgumentException("expected one argument: the pipeline YAML");
    }
    PipelineDef pipeline = new YamlPipelineDefinitionParser().parse(args[0], new Configuration());

    Constructor<FlinkPipelineComposer> constructor =
        FlinkPipelineComposer.class.getDeclaredConstructor(
            StreamExecutionEnvironment.class, boolean.class);
    constructor.setAccessible(true);
    FlinkPipelineComposer composer =
        constructor.newInstance(StreamExecutionEnvironment.getExecutionEnvironment(), false);
    PipelineExecution.ExecutionInfo info = composer.compose(pipeline).execute();
    System.out.println("Pipeline submitted: " + info.getId() + " " + info.getDescription());
  }
}
