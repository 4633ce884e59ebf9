package io.cdcconsole.sandbox.jobs;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.cdc.common.event.TableId;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * A user job submitted to the sandbox through /jars/upload + /jars/{id}/run: numbers 1..N through a
 * map (sleeping {@code args[1]} ms per record, for a long-running job) into a discarding sink.
 * Client side (main) and task side (map) both check that Flink CDC classes come from the cluster's
 * classpath (parent-first) even though the uploaded jar carries its own copy of {@link TableId}.
 */
public final class SequenceJob {

  private SequenceJob() {}

  public static void main(String[] args) throws Exception {
    long count = args.length > 0 ? Long.parseLong(args[0]) : 1000L;
    long sleepMillis = args.length > 1 ? Long.parseLong(args[1]) : 0L;
    checkParentFirst("client");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.fromSequence(1, count)
        .map(new CheckParentFirst(sleepMillis))
        .sinkTo(new DiscardingSink<>());
    env.execute("sandbox-sequence");
  }

  static void checkParentFirst(String where) throws ClassNotFoundException {
    ClassLoader userLoader = SequenceJob.class.getClassLoader();
    Class<?> composer =
        Class.forName(
            "org.apache.flink.cdc.composer.flink.FlinkPipelineComposer", false, userLoader);
    if (composer.getClassLoader() == userLoader) {
      throw new IllegalStateException(where + ": FlinkPipelineComposer loaded from the user jar");
    }
    if (TableId.class.getClassLoader() == userLoader) {
      throw new IllegalStateException(
          where
              + ": TableId loaded child-first from the user jar,"
              + " expected the cluster's copy (classloader.parent-first-patterns)");
    }
  }

  /** Runs in the TaskManager, with the task's user-code class loader; optionally slow. */
  public static final class CheckParentFirst implements MapFunction<Long, Long> {
    private static final long serialVersionUID = 1L;
    private final long sleepMillis;
    private transient boolean checked;

    CheckParentFirst(long sleepMillis) {
      this.sleepMillis = sleepMillis;
    }

    @Override
    public Long map(Long value) throws Exception {
      if (!checked) {
        if (TableId.class.getClassLoader() == CheckParentFirst.class.getClassLoader()) {
          throw new IllegalStateException("task: TableId loaded child-first from the user jar");
        }
        checked = true;
      }
      if (sleepMillis > 0) {
        Thread.sleep(sleepMillis);
      }
      return value;
    }
  }
}
