package io.cdcconsole.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The moment a job's tasks all run: the first look that saw it, until they stop all running. */
class TasksRunningTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void theFirstLookWithAllTasksRunningIsKeptUntilTheyStopOrTheJobLeaves() {
    TasksRunning tasks = new TasksRunning();
    tasks.seen("job", false, T0);
    assertEquals(Optional.empty(), tasks.since("job"), "deploying");
    tasks.seen("job", true, T0.plusSeconds(1));
    tasks.seen("job", true, T0.plusSeconds(2));
    assertEquals(Optional.of(T0.plusSeconds(1)), tasks.since("job"), "the first look counts");
    // a failover: the tasks stop all running, and the next start gets a moment of its own
    tasks.seen("job", false, T0.plusSeconds(3));
    assertEquals(Optional.empty(), tasks.since("job"));
    tasks.seen("job", true, T0.plusSeconds(4));
    assertEquals(Optional.of(T0.plusSeconds(4)), tasks.since("job"));
    tasks.forget("job");
    assertEquals(Optional.empty(), tasks.since("job"), "left the watch");
  }
}
