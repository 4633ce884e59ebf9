package io.cdcconsole.store;

/**
 * A database failure named by what it means, not by its SQLSTATE ({@link Sql#translate} is the one
 * place that reads SQLSTATEs). Stores fail their futures with these; services turn them into API
 * errors that name the resource.
 */
public abstract sealed class StorageException extends RuntimeException {
  private final String constraint;

  private StorageException(String message, String constraint, Throwable cause) {
    super(message, cause, false, false);
    this.constraint = constraint;
  }

  /**
   * The constraint that refused the write, e.g. {@code flink_cluster_name_key}; null when unknown.
   */
  public String constraint() {
    return constraint;
  }

  /** A unique key already taken (SQLSTATE 23505). */
  public static final class DuplicateKey extends StorageException {
    public DuplicateKey(String constraint, Throwable cause) {
      super("duplicate key (" + constraint + ")", constraint, cause);
    }
  }

  /** A row still referred to, or referring to one that is gone (SQLSTATE 23503). */
  public static final class ForeignKey extends StorageException {
    public ForeignKey(String constraint, Throwable cause) {
      super("foreign key (" + constraint + ")", constraint, cause);
    }
  }

  /**
   * The database cannot be reached: refused or lost connections, a server shutting down (08xxx,
   * 57P0x).
   */
  public static final class Unreachable extends StorageException {
    public Unreachable(Throwable cause) {
      super("the database is not reachable: " + cause.getMessage(), null, cause);
    }
  }
}
