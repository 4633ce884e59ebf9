package io.cdcconsole.lifecycle;

import java.net.InetAddress;
import java.util.UUID;

/**
 * This console process among the replicas that share one database: a new id for every start, so
 * that a claim it left behind (a crash, a kill) is never taken for one it still holds. The host
 * name in front is for the operator who reads a claim; the UUID makes it unique.
 */
public record Replica(String id) {

  public static Replica start() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      host = "console";
    }
    return new Replica(host + "/" + UUID.randomUUID());
  }

  @Override
  public String toString() {
    return id;
  }
}
