package io.cdcconsole.cluster;

/**
 * A console's right to watch one cluster and write what it sees there: the holder (the console
 * process) and the fencing value of its lease. Writes guarded by it ({@link #GUARD}) are refused
 * once another console took the lease over, or once it ran out.
 */
public record ClusterLease(long clusterId, String holder, long fencing) {

  /**
   * SQL that holds while the lease is current: {@code $c} the cluster id expression, {@code $h} and
   * {@code $f} the parameters of holder and fencing (see {@link #guard}).
   */
  private static final String GUARD =
      "exists (select 1 from cluster_lease cl where cl.cluster_id = %s and cl.claimed_by = $%d"
          + " and cl.fencing = $%d and cl.lease_until > now())";

  /**
   * A condition for a statement's {@code where}: the lease of the cluster {@code clusterExpr} is
   * still this one, with holder and fencing as parameters {@code holderParam} and {@code
   * holderParam + 1}.
   */
  public static String guard(String clusterExpr, int holderParam) {
    return String.format(GUARD, clusterExpr, holderParam, holderParam + 1);
  }
}
