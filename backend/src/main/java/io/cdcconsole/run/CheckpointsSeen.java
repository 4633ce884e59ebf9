package io.cdcconsole.run;

import io.cdcconsole.cluster.FlinkGateway;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest completed checkpoint of each job as the health sampler last read it (it asks Flink for
 * {@code /jobs/{id}/checkpoints} on every sample anyway), for the run watcher: a job whose answer
 * came in since its last checkpoint turn is recorded from it, without a request of its own. With
 * the sampler at its default (every 30 s) the watcher's checkpoint cadence (once a minute) then
 * costs Flink nothing. Kept in memory only; both read the clusters this console holds.
 */
public final class CheckpointsSeen {
  record Seen(Optional<FlinkGateway.Checkpoint> latest, long atMillis) {}

  // written on the health watcher's context, read on the run watcher's
  private final Map<String, Seen> seen = new ConcurrentHashMap<>();

  /** What the sampler read of the job at {@code atMillis}. */
  public void seen(String jobId, Optional<FlinkGateway.Checkpoint> latest, long atMillis) {
    if (jobId != null) {
      seen.put(jobId, new Seen(latest, atMillis));
    }
  }

  /** The answer read at or after {@code sinceMillis}, taken (each answer serves one turn). */
  Optional<Optional<FlinkGateway.Checkpoint>> takeSince(String jobId, long sinceMillis) {
    Seen found = seen.remove(jobId);
    return found == null || found.atMillis() < sinceMillis
        ? Optional.empty()
        : Optional.of(found.latest());
  }

  void forget(String jobId) {
    if (jobId != null) {
      seen.remove(jobId);
    }
  }
}
