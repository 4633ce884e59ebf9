package io.cdcconsole.run;

import java.util.Optional;

/** The console's run states (design.md section 5); Flink's job states map onto them. */
public enum RunState {
  SUBMITTING,
  FAILED_TO_SUBMIT,
  INITIALIZING,
  RUNNING,
  RESTARTING,
  FAILING,
  CANCELLING,
  STOPPING,
  FINISHED,
  CANCELED,
  STOPPED,
  FAILED,
  LOST;

  public boolean terminal() {
    return switch (this) {
      case FAILED_TO_SUBMIT, FINISHED, CANCELED, STOPPED, FAILED, LOST -> true;
      default -> false;
    };
  }

  /** States in which the job is about to change, so its cluster is watched more closely. */
  public boolean changing() {
    return switch (this) {
      case SUBMITTING, INITIALIZING, RESTARTING, FAILING, CANCELLING, STOPPING -> true;
      default -> false;
    };
  }

  /** What a Flink job status means for a run; empty for a status the console does not know. */
  public static Optional<RunState> fromFlink(String flinkStatus) {
    if (flinkStatus == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(
        switch (flinkStatus) {
          case "INITIALIZING", "CREATED" -> INITIALIZING;
          case "RUNNING", "RECONCILING" -> RUNNING;
          case "RESTARTING", "SUSPENDED" -> RESTARTING;
          case "FAILING" -> FAILING;
          case "CANCELLING" -> CANCELLING;
          case "FINISHED" -> FINISHED;
          case "CANCELED" -> CANCELED;
          case "FAILED" -> FAILED;
          default -> null;
        });
  }
}
