package io.cdcconsole.cluster;

/**
 * Told how every Flink REST call of one cluster went (for metrics); {@code failure} is null for a
 * 2xx answer.
 */
@FunctionalInterface
public interface FlinkCallListener {
  FlinkCallListener NONE = (nanos, failure) -> {};

  void called(long nanos, Throwable failure);
}
