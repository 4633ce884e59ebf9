package io.cdcconsole.launcher;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.flink.cdc.cli.parser.YamlPipelineDefinitionParser;
import org.apache.flink.cdc.common.configuration.Configuration;
import org.apache.flink.cdc.composer.definition.PipelineDef;
import org.apache.flink.cdc.composer.flink.FlinkPipelineComposer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * One Flink CDC API generation: how to parse the YAML text and how to get a composer that submits
 * on the context environment without blocking. Chosen by {@link #detect()} from what the cluster's
 * class path holds (methods probed by reflection; no version string is trusted):
 *
 * <ul>
 *   <li>{@link ApplicationCluster} (3.4+): the public {@code
 *       FlinkPipelineComposer.ofApplicationCluster(env)}, what {@code CliExecutor.main} uses, and
 *       {@code parse(String, Configuration)};
 *   <li>{@link PrivateComposer} (3.2, 3.3): {@code parse(String, Configuration)} and the private
 *       constructor {@code FlinkPipelineComposer(env, false)} ({@code ofRemoteCluster} would build
 *       its own client environment, ignoring the run request's job id, savepoint and configuration;
 *       {@code ofMiniCluster} blocks, which web submission refuses);
 *   <li>{@link FileParser} (3.1): like 3.2 but 3.1's parser only reads a file ({@code parse(Path,
 *       Configuration)}): the YAML is written to an owner-only temporary file (in {@code /dev/shm},
 *       memory, where it exists) that is deleted as soon as it has been read.
 * </ul>
 */
abstract class FlinkCdcApi {

  /**
   * Loaded with the operators: fails to link when Flink CDC 3.6 lacks its Flink-version adapter
   * jar.
   */
  private static final String RUNTIME_PROBE =
      "org.apache.flink.cdc.runtime.operators.sink.DataSinkWriterOperator";

  /** A short name of the generation, e.g. {@code 3.4+}. */
  abstract String generation();

  abstract PipelineDef parse(String yaml, Configuration global) throws Exception;

  abstract FlinkPipelineComposer composer(StreamExecutionEnvironment env)
      throws PipelineLaunchException;

  /**
   * The generation of the Flink CDC on the class path, or a launch error saying what is missing.
   */
  static FlinkCdcApi detect() throws PipelineLaunchException {
    try {
      Class.forName(RUNTIME_PROBE, false, FlinkPipelineComposer.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new PipelineLaunchException(
          "The cluster's Flink CDC"
              + version()
              + " runtime cannot be loaded with"
              + " its Flink: "
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage()
              + " (Flink CDC 3.6 needs"
              + " flink-cdc-flink1-compat on Flink 1.x, or its Flink 2 build with flink-cdc-flink2-compat on"
              + " Flink 2.x, in the cluster's lib/)");
    }
    Method applicationCluster =
        method(
            FlinkPipelineComposer.class, "ofApplicationCluster", StreamExecutionEnvironment.class);
    Method parseText =
        method(YamlPipelineDefinitionParser.class, "parse", String.class, Configuration.class);
    Method parsePath =
        method(YamlPipelineDefinitionParser.class, "parse", Path.class, Configuration.class);
    if (applicationCluster != null && parseText != null) {
      return new ApplicationCluster(applicationCluster, parseText);
    }
    Constructor<FlinkPipelineComposer> constructor = privateConstructor();
    if (constructor != null && parseText != null) {
      return new PrivateComposer(constructor, parseText);
    }
    if (constructor != null && parsePath != null) {
      return new FileParser(constructor, parsePath);
    }
    throw new PipelineLaunchException(
        "The cluster's Flink CDC"
            + version()
            + " offers none of the APIs this"
            + " launcher knows (Flink CDC 3.1 to 3.6): no FlinkPipelineComposer.ofApplicationCluster(env) nor"
            + " FlinkPipelineComposer(StreamExecutionEnvironment, boolean), or no YamlPipelineDefinitionParser.parse");
  }

  /** 3.4+: public factory, YAML text. */
  static final class ApplicationCluster extends FlinkCdcApi {
    private final Method factory;
    private final Method parse;

    ApplicationCluster(Method factory, Method parse) {
      this.factory = factory;
      this.parse = parse;
    }

    @Override
    String generation() {
      return "3.4+";
    }

    @Override
    PipelineDef parse(String yaml, Configuration global) throws Exception {
      return (PipelineDef) invoke(parse, new YamlPipelineDefinitionParser(), yaml, global);
    }

    @Override
    FlinkPipelineComposer composer(StreamExecutionEnvironment env) throws PipelineLaunchException {
      try {
        return (FlinkPipelineComposer) invoke(factory, null, env);
      } catch (Exception e) {
        throw new PipelineLaunchException("Could not create the Flink CDC pipeline composer", e);
      }
    }
  }

  /** 3.2 and 3.3: private non-blocking constructor, YAML text. */
  static class PrivateComposer extends FlinkCdcApi {
    private final Constructor<FlinkPipelineComposer> constructor;
    private final Method parse;

    PrivateComposer(Constructor<FlinkPipelineComposer> constructor, Method parse) {
      this.constructor = constructor;
      this.parse = parse;
    }

    @Override
    String generation() {
      return "3.2-3.3";
    }

    @Override
    PipelineDef parse(String yaml, Configuration global) throws Exception {
      return (PipelineDef) invoke(parse, new YamlPipelineDefinitionParser(), yaml, global);
    }

    @Override
    FlinkPipelineComposer composer(StreamExecutionEnvironment env) throws PipelineLaunchException {
      try {
        return constructor.newInstance(env, false);
      } catch (InvocationTargetException e) {
        throw new PipelineLaunchException(
            "Could not create the Flink CDC pipeline composer", e.getCause());
      } catch (ReflectiveOperationException | RuntimeException e) {
        throw new PipelineLaunchException("Could not create the Flink CDC pipeline composer", e);
      }
    }
  }

  /** 3.1: as 3.2, but the parser reads a file. */
  static final class FileParser extends PrivateComposer {
    private final Method parsePath;

    FileParser(Constructor<FlinkPipelineComposer> constructor, Method parsePath) {
      super(constructor, null);
      this.parsePath = parsePath;
    }

    @Override
    String generation() {
      return "3.1";
    }

    @Override
    PipelineDef parse(String yaml, Configuration global) throws Exception {
      Path file = ownerOnlyTempFile();
      try {
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        return (PipelineDef) invoke(parsePath, new YamlPipelineDefinitionParser(), file, global);
      } finally {
        Files.deleteIfExists(file);
      }
    }

    private static Path ownerOnlyTempFile() throws java.io.IOException {
      Path shm = Path.of("/dev/shm");
      var ownerOnly =
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
      try {
        return Files.isDirectory(shm) && Files.isWritable(shm)
            ? Files.createTempFile(shm, "cdc-pipeline-", ".yaml", ownerOnly)
            : Files.createTempFile("cdc-pipeline-", ".yaml", ownerOnly);
      } catch (UnsupportedOperationException notPosix) {
        return Files.createTempFile("cdc-pipeline-", ".yaml");
      }
    }
  }

  /**
   * Calls {@code method}, unwrapping the target's exception so that the stage error names Flink
   * CDC's cause.
   */
  static Object invoke(Method method, Object target, Object... args) throws Exception {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception ex) {
        throw ex;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  private static Method method(Class<?> type, String name, Class<?>... parameters) {
    try {
      return type.getMethod(name, parameters);
    } catch (NoSuchMethodException | RuntimeException e) {
      return null;
    }
  }

  private static Constructor<FlinkPipelineComposer> privateConstructor() {
    try {
      Constructor<FlinkPipelineComposer> constructor =
          FlinkPipelineComposer.class.getDeclaredConstructor(
              StreamExecutionEnvironment.class, boolean.class);
      constructor.setAccessible(true);
      return constructor;
    } catch (NoSuchMethodException | RuntimeException e) {
      return null;
    }
  }

  static String version() {
    String version = FlinkPipelineComposer.class.getPackage().getImplementationVersion();
    return version == null ? "" : " (" + version + ")";
  }
}
