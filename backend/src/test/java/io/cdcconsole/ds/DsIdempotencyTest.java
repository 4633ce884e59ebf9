package io.cdcconsole.ds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.run.RunState;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Which earlier start a DolphinScheduler start repeats: the decision alone, without a database or
 * DS.
 */
class DsIdempotencyTest {

  @Test
  void aTaskRetryInTheSameWorkflowInstanceHasTheSameKey() {
    // DS runs a retry as a new task instance of the same workflow instance and task definition
    Optional<String> first =
        DsService.baseKey(Optional.of("77"), Optional.of("9001"), Optional.of("1"));
    Optional<String> retry =
        DsService.baseKey(Optional.of("77"), Optional.of("9001"), Optional.of("2"));
    assertEquals(Optional.of("ds-wf-77-9001"), first);
    assertEquals(first, retry);
    assertEquals(
        Optional.of("ds-wf-77-start"),
        DsService.baseKey(Optional.of("77"), Optional.empty(), Optional.of("1")));
    assertEquals(
        Optional.of("ds-task-5"),
        DsService.baseKey(Optional.empty(), Optional.of("9001"), Optional.of("5")));
    assertEquals(
        Optional.empty(),
        DsService.baseKey(Optional.empty(), Optional.empty(), Optional.empty()),
        "without DS ids a start is never taken for a repeat");
  }

  @Test
  void aKeyStandsWhileItsRunGoesOnOrReachedWhatWasAsked() {
    assertTrue(DsService.keyStands(Optional.empty(), "RUNNING"));
    for (RunState going : RunState.values()) {
      if (!going.terminal()) {
        assertTrue(DsService.keyStands(Optional.of(going), "RUNNING"), going.name());
      }
    }
    assertTrue(
        DsService.keyStands(Optional.of(RunState.FINISHED), "FINISHED"),
        "a finished run answers a FINISHED wait");
    assertFalse(
        DsService.keyStands(Optional.of(RunState.FINISHED), "RUNNING"),
        "a rerun after it ended starts again");
    assertFalse(DsService.keyStands(Optional.of(RunState.FAILED), "FINISHED"));
    assertFalse(DsService.keyStands(Optional.of(RunState.CANCELED), "NONE"));
    assertEquals("ds-wf-77-9001-after-12", DsService.followingKey("ds-wf-77-9001", 12));
  }
}
