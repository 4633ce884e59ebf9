package io.cdcconsole.store;

/** Which page a caller asked for, already bounded. */
public record PageRequest(int limit, int offset) {
  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 500;
}
