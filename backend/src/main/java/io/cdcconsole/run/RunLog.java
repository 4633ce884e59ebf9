package io.cdcconsole.run;

import org.slf4j.spi.LoggingEventBuilder;

/**
 * A run's identity as fields of one log call ({@code runId}, {@code jobId}, {@code pipeline},
 * {@code cluster} id): JSON logs show them as fields. Given to the call itself, since the
 * thread-local MDC does not follow a run across the event loop's asynchronous steps.
 */
final class RunLog {
  private RunLog() {}

  static LoggingEventBuilder of(LoggingEventBuilder log, Run run) {
    return log.addKeyValue("runId", run.id())
        .addKeyValue("jobId", run.jobId())
        .addKeyValue("pipeline", run.pipelineName())
        .addKeyValue("cluster", run.clusterId());
  }
}
