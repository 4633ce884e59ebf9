package io.cdcconsole.run;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What the run watcher decides from one look at a cluster, without doing any of it: pure functions
 * of a run's stored facts (its state, its latest operation, and who holds its submission or
 * operation, with their leases), what the look saw of its job, and the time. {@link RunWatcher}
 * applies the decisions (writes, moves); work that nobody holds is left to {@link RunReconciler},
 * which the watcher only wakes. Nothing here depends on what this process happens to be doing, so a
 * restarted console, or another replica, decides the same. Everything here is testable with a fixed
 * clock.
 *
 * <p>A look decides in two steps, because the second needs what the first wrote: {@link #seen} says
 * what the look writes of the run's stored view (the database sets {@code missingSince}), and
 * {@link #decide} says what the run asks for given that view.
 */
final class WatchRules {

  /** What one look at a cluster saw of one run's job. */
  sealed interface Sight permits Unreadable, Unlisted, Listed {}

  /**
   * The cluster did not answer (or answered nonsense): nothing is known of the job, so nothing may
   * be concluded about it — its run is only marked stale.
   */
  record Unreadable() implements Sight {}

  /** The cluster answered and does not list the job. */
  record Unlisted() implements Sight {}

  /** The cluster lists the job in this Flink state. */
  record Listed(String flinkState) implements Sight {}

  static final Sight UNREADABLE = new Unreadable();
  static final Sight UNLISTED = new Unlisted();

  /** What a run asks for after a look. */
  enum Act {
    /** Nothing changes (yet). */
    KEEP,
    /** A transition to {@link Decision#to}. */
    MOVE
  }

  /**
   * One run's decision.
   *
   * @param stale the cluster could not be read: the run is marked stale, and nothing else
   * @param reconcile work on the run is stored and nobody holds it — a SUBMITTING run whose job
   *     Flink does not list, a savepoint or stop in progress — whose holder's lease ran out (or
   *     that was never claimed): the reconciler should take it up now rather than on its next pass
   * @param checkpointFirst the job leaves RUNNING: read its latest checkpoint before moving, so the
   *     restore point is as fresh as it can be
   * @param rootCause ask Flink for the failure's root cause and append it to {@code detail}
   * @param countRestart the job restarts: count it
   * @param watchCheckpoints the job runs on as before: its checkpoints are read on their cadence
   */
  record Decision(
      Act act,
      RunState to,
      String source,
      String detail,
      boolean stale,
      boolean reconcile,
      boolean checkpointFirst,
      boolean rootCause,
      boolean countRestart,
      boolean watchCheckpoints) {

    static Decision keep(boolean reconcile) {
      return new Decision(Act.KEEP, null, null, null, false, reconcile, false, false, false, false);
    }

    private Decision checkpoints() {
      return new Decision(act, to, source, detail, stale, reconcile, false, false, false, true);
    }
  }

  private final Duration lostGrace;

  WatchRules(Duration lostGrace) {
    this.lostGrace = lostGrace;
  }

  /** The Flink state the look saw of a run's job; none when unlisted or unreadable. */
  static Optional<String> flinkState(Sight sight) {
    return sight instanceof Listed listed
        ? Optional.ofNullable(listed.flinkState())
        : Optional.empty();
  }

  /**
   * What a successful look writes of the run's stored view (its Flink state, whether its job is
   * missing, stale cleared), or empty when the view stands as it is. A SUBMITTING run's job is
   * never missing: it may not be on Flink yet. A look that could not read the cluster writes
   * nothing per run: the cluster's runs are marked stale together.
   */
  static Optional<RunStore.Seen> seen(Run run, Sight sight) {
    if (sight instanceof Unreadable) {
      return Optional.empty();
    }
    String flinkState = flinkState(sight).orElse(null);
    boolean missing = sight instanceof Unlisted && run.state() != RunState.SUBMITTING;
    boolean missingChanged = missing != (run.missingSince() != null);
    if (run.stale()
        || missingChanged
        || (flinkState != null && !flinkState.equals(run.flinkState()))) {
      return Optional.of(new RunStore.Seen(run.id(), flinkState, missing));
    }
    return Optional.empty();
  }

  /**
   * What the run asks for after a look, given its stored view as the look left it. A run whose
   * cluster cannot be read is only stale: never LOST, never FAILED — the cluster may be fine and
   * the network down. A job a cluster that answers no longer lists becomes LOST once it has been
   * missing for the grace period (a job is briefly absent from the overview while Flink moves it).
   */
  Decision decide(Run run, Sight sight, Instant now) {
    if (sight instanceof Unreadable) {
      return new Decision(Act.KEEP, null, null, null, true, false, false, false, false, false);
    }
    boolean follow = run.operation() != null && run.operation().orphaned(now);
    if (run.state() == RunState.SUBMITTING) {
      if (run.submission() != null && run.submission().live(now)) {
        // its holder submits it, and moves it itself
        return Decision.keep(follow);
      }
      if (sight instanceof Listed) {
        return new Decision(
            Act.MOVE,
            RunState.INITIALIZING,
            "reconcile",
            "Flink has the job: tracking it",
            false,
            follow,
            false,
            false,
            false,
            false);
      }
      // nobody submits it and Flink does not list its JobID: the reconciler claims it, asks Flink
      // for the JobID and submits it again with it
      return Decision.keep(true);
    }
    if (sight instanceof Unlisted) {
      Instant since = run.missingSince();
      if (since == null || Duration.between(since, now).compareTo(lostGrace) < 0) {
        return Decision.keep(follow);
      }
      return new Decision(
          Act.MOVE,
          RunState.LOST,
          "watcher",
          "the cluster answers but has not listed job " + run.jobId() + " since " + since,
          false,
          follow,
          leavesRunning(run, RunState.LOST),
          false,
          false,
          false);
    }
    String flinkState = ((Listed) sight).flinkState();
    Optional<RunState> seen = RunState.fromFlink(flinkState).map(s -> settle(run, s));
    if (seen.isEmpty() || seen.get() == run.state()) {
      Decision keep = Decision.keep(follow);
      return run.state() == RunState.RUNNING ? keep.checkpoints() : keep;
    }
    RunState to = seen.get();
    return new Decision(
        Act.MOVE,
        to,
        "flink",
        "Flink reports " + flinkState,
        false,
        follow,
        leavesRunning(run, to),
        to == RunState.FAILED || to == RunState.RESTARTING || to == RunState.FAILING,
        to == RunState.RESTARTING,
        false);
  }

  private static boolean leavesRunning(Run run, RunState to) {
    return run.state() == RunState.RUNNING && to != RunState.RUNNING;
  }

  /**
   * What the console calls the Flink state, given what it asked for: a job that ends while a stop
   * with savepoint is under way or done was STOPPED; one that still runs while its cancel or stop
   * is under way keeps that state.
   */
  static RunState settle(Run run, RunState seen) {
    Optional<RunOperation> stop =
        Optional.ofNullable(run.operation()).filter(op -> op.stop() && !op.failed());
    if ((seen == RunState.FINISHED || seen == RunState.CANCELED) && stop.isPresent()) {
      return stop.get().completed() ? RunState.STOPPED : RunState.STOPPING;
    }
    if (seen == RunState.RUNNING
        && (run.state() == RunState.CANCELLING || run.state() == RunState.STOPPING)) {
      return run.state();
    }
    return seen;
  }
}
