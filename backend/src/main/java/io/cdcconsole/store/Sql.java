package io.cdcconsole.store;

import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.net.SocketException;

/**
 * SQLSTATEs and connection failures of the SQL client become {@link StorageException}s here, and
 * nowhere else.
 */
public final class Sql {
  private Sql() {}

  /** For {@code .recover(Sql::fail)} on a store's future. */
  public static <T> Future<T> fail(Throwable err) {
    return Future.failedFuture(translate(err));
  }

  public static Throwable translate(Throwable err) {
    if (err instanceof StorageException) {
      return err;
    }
    if (err instanceof PgException pg && pg.getSqlState() != null) {
      String state = pg.getSqlState();
      if (state.equals("23505")) {
        return new StorageException.DuplicateKey(pg.getConstraint(), pg);
      }
      if (state.equals("23503")) {
        return new StorageException.ForeignKey(pg.getConstraint(), pg);
      }
      // 08xxx: connection exceptions; 57P0x: the server is shutting down, restarting or not yet
      // accepting
      if (state.startsWith("08") || state.startsWith("57P0")) {
        return new StorageException.Unreachable(pg);
      }
      return err;
    }
    // a store's future failing with these has only ever talked to the database
    if (err instanceof ClosedConnectionException
        || err instanceof ConnectException
        || err instanceof SocketException) {
      return new StorageException.Unreachable(err);
    }
    return err;
  }
}
