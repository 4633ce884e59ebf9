package io.cdcconsole.error;

/**
 * A Flink cluster that did not answer: refused or lost connection, unknown host, TLS failure,
 * timeout. Raised once, by {@code cluster.FlinkGateway}, for every transport failure of a call; a
 * cluster that answered with an error is a {@code FlinkRestException} instead. The message is the
 * transport's own (what run errors keep); the failure handler answers 503 naming the cluster, never
 * the database. Not an {@link ApiError}: the run wing tells a cluster that did not answer (the
 * operation may have happened) from a refusal by the type, as before.
 */
public final class ClusterUnavailable extends RuntimeException {
  private final String cluster;

  public ClusterUnavailable(String cluster, Throwable cause) {
    super(
        cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage(),
        cause,
        false,
        false);
    this.cluster = cluster;
  }

  /** The cluster's name. */
  public String cluster() {
    return cluster;
  }
}
