package io.cdcconsole.run;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When the run watcher first saw each watched job with all its tasks running (from the {@code
 * /jobs/overview} it reads anyway), for the health sampler: until then Flink refuses every
 * checkpoint it triggers and counts it as failed. A job whose tasks stop all running (a restart, a
 * failover) or that leaves the watch is forgotten, so its next start gets a new moment. Kept in
 * memory only: after a console restart the first look sets the moment again, which at worst delays
 * a verdict.
 */
public final class TasksRunning {
  // written on the run watcher's context, read on the health watcher's
  private final Map<String, Instant> since = new ConcurrentHashMap<>();

  /** Since when the job has had all its tasks running, as far as the console saw; empty if not. */
  public Optional<Instant> since(String jobId) {
    return Optional.ofNullable(since.get(jobId));
  }

  void seen(String jobId, boolean allRunning, Instant at) {
    if (jobId == null) {
      return; // a run not yet given a JobID has no tasks
    }
    if (allRunning) {
      since.putIfAbsent(jobId, at);
    } else {
      since.remove(jobId);
    }
  }

  void forget(String jobId) {
    if (jobId != null) {
      since.remove(jobId);
    }
  }
}
