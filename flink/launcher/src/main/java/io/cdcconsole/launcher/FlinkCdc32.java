package io.cdcconsole.launcher;

import org.apache.flink.cdc.cli.parser.YamlPipelineDefinitionParser;
import org.apache.flink.cdc.common.configuration.Configuration;
import org.apache.flink.cdc.common.pipeline.PipelineOptions;
import org.apache.flink.cdc.composer.PipelineExecution;
import org.apache.flink.cdc.composer.definition.PipelineDef;
import org.apache.flink.cdc.composer.flink.FlinkPipelineComposer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;

/**
 * The Flink CDC version-specific part of the launcher (written for Flink CDC 3.2.x): parse the
 * pipeline YAML, compose it on the current (context) execution environment without blocking, and
 * submit it.
 *
 * <p>Flink CDC 3.2 has no public composer usable from {@code /jars/{id}/run}: {@code
 * FlinkPipelineComposer.ofRemoteCluster} builds its own {@code remote} client environment (ignoring
 * the cluster's context environment and the run request's {@code jobId}, {@code savepointPath},
 * {@code flinkConfiguration}), and {@code ofMiniCluster} is blocking: it asks the job client for
 * the job result, which web submission refuses. What works is the private constructor {@code
 * FlinkPipelineComposer(StreamExecutionEnvironment env, boolean isBlocking)} with {@link
 * StreamExecutionEnvironment#getExecutionEnvironment()} and {@code false}, called by reflection.
 *
 * <p>Flink CDC 3.4+ offers {@code org.apache.flink.cdc.cli.CliExecutor} for this instead; a
 * launcher for those versions replaces this class only.
 */
final class FlinkCdc32 {

    private FlinkCdc32() {}

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

    /**
     * Parses {@code yaml} (already flattened) with {@link YamlPipelineDefinitionParser#parse(String,
     * Configuration)}, composes it non-blocking on the context environment and executes it.
     *
     * @return the Flink job id
     */
    static String submit(String yaml) throws StageException, PipelineLaunchException {
        // inside /jars/{id}/run: the context environment, with the run request's jobId,
        // savepointPath, parallelism and flinkConfiguration
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();

        PipelineDef definition;
        try {
            definition = new YamlPipelineDefinitionParser().parse(yaml, globalPipelineConfig(env));
        } catch (Exception | LinkageError e) {
            throw new StageException(Stage.PARSE, e);
        }

        FlinkPipelineComposer composer = nonBlockingComposer(env);
        PipelineExecution execution;
        try {
            execution = composer.compose(definition);
        } catch (RuntimeException | LinkageError e) {
            throw new StageException(Stage.COMPOSE, e);
        }
        try {
            return execution.execute().getId();
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

    private static FlinkPipelineComposer nonBlockingComposer(StreamExecutionEnvironment env)
            throws PipelineLaunchException {
        Constructor<FlinkPipelineComposer> constructor;
        try {
            constructor = FlinkPipelineComposer.class
                    .getDeclaredConstructor(StreamExecutionEnvironment.class, boolean.class);
            constructor.setAccessible(true);
        } catch (NoSuchMethodException | RuntimeException e) {
            throw new PipelineLaunchException("This launcher is written for Flink CDC 3.2: the cluster's Flink CDC"
                    + version() + " has no FlinkPipelineComposer(StreamExecutionEnvironment, boolean) ("
                    + e.getClass().getSimpleName() + ")", e);
        }
        try {
            return constructor.newInstance(env, false);
        } catch (InvocationTargetException e) {
            throw new PipelineLaunchException("Could not create the Flink CDC pipeline composer", e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new PipelineLaunchException("Could not create the Flink CDC pipeline composer", e);
        }
    }

    private static String version() {
        String version = FlinkPipelineComposer.class.getPackage().getImplementationVersion();
        return version == null ? "" : " (" + version + ")";
    }
}
