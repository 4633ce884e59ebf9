package io.cdcconsole.lifecycle;

import java.util.UUID;

/**
 * This console process among the replicas that share one database: a new id for every start, so
 * that a claim it left behind (a crash, a kill) is never taken for one it still holds. The host
 * name in front (from the environment: no name look-up on the way to the event loop) is for the
 * operator who reads a claim; the UUID makes it unique.
 */
public record Replica(String id) {

  public static Replica start() {
    String host = System.getenv("HOSTNAME");
    if (host == null || host.isBlank()) {
      host = System.getenv().getOrDefault("COMPUTERNAME", "console");
    }
    return new Replica(host + "/" + UUID.randomUUID());
  }

  @Override
  public String toString() {
    return id;
  }
}
