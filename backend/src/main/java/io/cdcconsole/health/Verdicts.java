package io.cdcconsole.health;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The verdict from a run's recent samples: a pure function of the series, the thresholds and the
 * time, so that every rule is tested with a made-up series and clock. The first rule that holds
 * wins, in the order of what needs an operator most: FLAPPING, CHECKPOINT_FAILING, STALLED,
 * SNAPSHOTTING, LAGGING, then HEALTHY.
 *
 * <p>"Idle by design" is how a CDC source looks when the database has no changes: no records and,
 * without checkpointing, no checkpoint progress either. So STALLED needs evidence that there is
 * work: the source reports it received something recently ({@code sourceIdleTime} below the stall
 * span), or checkpoints are triggered but none completes. An idle source with checkpointing on
 * keeps completing checkpoints, which is progress.
 *
 * <p>A job starting up is not failing its checkpoints: Flink triggers them as soon as the job is
 * RUNNING and refuses each one until all its tasks run ("Not all required tasks are currently
 * running"), counting it as failed, without a history entry — the same shape as a real failure
 * before the checkpoint is pending. So failures count only from the first sample taken at or after
 * the moment all the job's tasks were seen running; before that moment (or without one) a job is
 * never CHECKPOINT_FAILING.
 */
public final class Verdicts {
  private Verdicts() {}

  /**
   * {@code samples} oldest first; those older than the window (bar one, the baseline) do not
   * matter. {@code tasksRunningSince}: when all the job's tasks were first seen running, null if
   * they are not (yet).
   */
  public static HealthVerdict decide(
      List<HealthSample> samples, HealthThresholds t, Instant now, Instant tasksRunningSince) {
    if (samples.isEmpty()) {
      return new HealthVerdict(HealthStatus.UNKNOWN, "not measured yet");
    }
    HealthSample last = samples.get(samples.size() - 1);
    HealthSample base = baseline(samples, now.minus(t.window()));
    String window = human(t.window());

    int restarts = last.restarts() - base.restarts();
    if (restarts >= t.restarts()) {
      return new HealthVerdict(HealthStatus.FLAPPING, restarts + " restarts in the last " + window);
    }

    HealthSample checkpointBase = atOrAfter(samples, base, tasksRunningSince);
    long failed =
        checkpointBase == null
            ? 0
            : diff(last.checkpointsFailed(), checkpointBase.checkpointsFailed());
    // Flink has no failure time for a checkpoint that failed before it was pending (e.g. its
    // directory could not be made): then "none completed since the failures began" is the test
    boolean failedLast =
        checkpointBase != null
            && ((last.checkpointFailedAt() != null
                    && (last.checkpointAt() == null
                        || last.checkpointFailedAt().isAfter(last.checkpointAt())))
                || diff(
                        last.checkpointsFailed(),
                        currentCheckpointSeen(samples, checkpointBase, last).checkpointsFailed())
                    > 0);
    if (failed >= t.checkpointFailures() && failedLast) {
      return new HealthVerdict(
          HealthStatus.CHECKPOINT_FAILING,
          failed
              + " checkpoints failed in the last "
              + window
              + (last.checkpointAt() == null
                  ? ", none completed"
                  : ", none completed since " + last.checkpointAt()));
    }

    List<HealthSample> stallSpan = tail(samples, t.stallPeriods() + 1);
    if (stallSpan.size() == t.stallPeriods() + 1) {
      HealthVerdict stalled = stalled(stallSpan);
      if (stalled != null) {
        return stalled;
      }
    }

    if (last.snapshot() != null && !last.snapshot().getBoolean("finished", false)) {
      Object finished = last.snapshot().getValue("splitsFinished");
      Object total = last.snapshot().getValue("splitsTotal");
      return new HealthVerdict(
          HealthStatus.SNAPSHOTTING,
          finished != null && total != null
              ? "reading the initial snapshot: " + finished + " of " + total + " splits done"
              : "reading the initial snapshot");
    }

    List<HealthSample> lagSpan = tail(samples, t.lagPeriods());
    if (lagSpan.size() == t.lagPeriods()
        && lagSpan.stream().allMatch(s -> s.lagMs() != null && s.lagMs() > t.lag().toMillis())) {
      return new HealthVerdict(
          HealthStatus.LAGGING,
          "lag "
              + human(Duration.ofMillis(last.lagMs()))
              + " over "
              + human(t.lag())
              + " for "
              + t.lagPeriods()
              + " periods");
    }

    // Flink's per-second rates are averaged over a minute: "no record since the previous sample"
    // says idle sooner
    HealthSample previous = samples.size() < 2 ? null : samples.get(samples.size() - 2);
    if (last.sourceIdleMs() != null
        && last.sourceIdleMs() > 0
        && previous != null
        && last.recordsOut() != null
        && last.recordsOut().equals(previous.recordsOut())) {
      return new HealthVerdict(
          HealthStatus.HEALTHY,
          "idle: no changes for " + human(Duration.ofMillis(last.sourceIdleMs())));
    }
    return new HealthVerdict(
        HealthStatus.HEALTHY,
        last.lagMs() == null ? "running" : "lag " + human(Duration.ofMillis(last.lagMs())));
  }

  /**
   * The first sample from {@code base} on that shows the last sample's completed checkpoint. Only
   * failures counted after it are failures "since the last completed checkpoint": a sample that
   * brings a batch of failures together with a newer completed checkpoint (both happened within one
   * period) shows no failure since.
   */
  private static HealthSample currentCheckpointSeen(
      List<HealthSample> samples, HealthSample base, HealthSample last) {
    for (int i = samples.indexOf(base); i < samples.size(); i++) {
      if (Objects.equals(samples.get(i).checkpointId(), last.checkpointId())) {
        return samples.get(i);
      }
    }
    return last;
  }

  /**
   * No records and no checkpoint completed over the span, with evidence that there is work; null
   * otherwise.
   */
  private static HealthVerdict stalled(List<HealthSample> span) {
    HealthSample first = span.get(0);
    HealthSample last = span.get(span.size() - 1);
    if (first.recordsOut() == null
        || last.recordsOut() == null
        || !first.recordsOut().equals(last.recordsOut())) {
      return null; // records moved, or nothing tells whether they did
    }
    if (!Objects.equals(first.checkpointId(), last.checkpointId())) {
      return null;
    }
    long spanMs = Duration.between(first.at(), last.at()).toMillis();
    boolean receiving = last.sourceIdleMs() != null && last.sourceIdleMs() < spanMs;
    boolean checkpointsStuck =
        diff(last.checkpointsTriggered(), first.checkpointsTriggered()) > 0
            || (last.checkpointsInProgress() != null
                && last.checkpointsInProgress() > 0
                && first.checkpointsInProgress() != null
                && first.checkpointsInProgress() > 0);
    if (!receiving && !checkpointsStuck) {
      return null; // idle by design: the database has had nothing to send
    }
    return new HealthVerdict(
        HealthStatus.STALLED,
        "no records and no checkpoint completed for "
            + human(Duration.ofMillis(spanMs))
            + (receiving
                ? " while the source is not idle (it has data to read)"
                : " while checkpoints are triggered"));
  }

  /**
   * The newest sample at or before the window's start (what the window's differences are taken
   * from), else the oldest.
   */
  private static HealthSample baseline(List<HealthSample> samples, Instant from) {
    HealthSample base = samples.get(0);
    for (HealthSample s : samples) {
      if (s.at().isAfter(from)) {
        break;
      }
      base = s;
    }
    return base;
  }

  /**
   * The baseline, or the first sample taken at or after {@code moment} if the baseline is older;
   * null without a moment or such a sample.
   */
  private static HealthSample atOrAfter(
      List<HealthSample> samples, HealthSample base, Instant moment) {
    if (moment == null) {
      return null;
    }
    if (!base.at().isBefore(moment)) {
      return base;
    }
    return samples.stream().filter(s -> !s.at().isBefore(moment)).findFirst().orElse(null);
  }

  private static List<HealthSample> tail(List<HealthSample> samples, int n) {
    return samples.subList(Math.max(0, samples.size() - n), samples.size());
  }

  private static long diff(Long now, Long before) {
    return now == null ? 0 : now - (before == null ? 0 : before);
  }

  static String human(Duration d) {
    long s = d.toSeconds();
    if (s < 1) {
      return d.toMillis() + " ms";
    }
    if (s < 120) {
      return s + " s";
    }
    if (s < 7200) {
      return (s / 60) + " min";
    }
    return (s / 3600) + " h";
  }
}
