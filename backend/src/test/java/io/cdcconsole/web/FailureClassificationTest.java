package io.cdcconsole.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.error.NotFound;
import io.cdcconsole.store.Sql;
import io.cdcconsole.store.StorageException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * How {@link FailureHandler} names a failure, by its type alone: a Flink outage is never a database
 * outage.
 */
class FailureClassificationTest {

  @Test
  void aRefusedConnectionOfUnknownOriginIsAnOutageButNotTheDatabases() {
    // what the Flink REST client's web client fails with when the JobManager is down
    // (RunService.adopt let it through)
    Problem p =
        FailureHandler.classify(new ConnectException("Connection refused: /127.0.0.1:8081"))
            .orElseThrow();
    assertEquals(503, p.status());
    assertFalse(p.detail().toLowerCase().contains("database"), p.detail());
    Problem wrapped =
        FailureHandler.classify(new CompletionException(new ConnectException("refused")))
            .orElseThrow();
    assertEquals(503, wrapped.status());
    assertFalse(wrapped.detail().toLowerCase().contains("database"), wrapped.detail());
  }

  @Test
  void aClusterThatDoesNotAnswerIsNamedAndNeverCalledTheDatabase() {
    for (Throwable cause :
        new Throwable[] {
          new ConnectException("Connection refused: /127.0.0.1:8081"),
          ClosedConnectionException.INSTANCE
        }) {
      Problem p =
          FailureHandler.classify(new io.cdcconsole.error.ClusterUnavailable("prod-flink", cause))
              .orElseThrow();
      assertEquals(503, p.status());
      assertTrue(p.detail().contains("Flink cluster 'prod-flink' did not answer"), p.detail());
      assertFalse(p.detail().toLowerCase().contains("database"), p.detail());
    }
  }

  @Test
  void onlyTheDatabasesOwnFailuresAreCalledADatabaseOutage() {
    for (Throwable t :
        new Throwable[] {
          new PgException("the database system is shutting down", "FATAL", "57P01", null),
          new PgException("connection failure", "FATAL", "08006", null),
          ClosedConnectionException.INSTANCE,
          Sql.translate(new ConnectException("Connection refused: /127.0.0.1:5432"))
        }) {
      Problem p = FailureHandler.classify(t).orElseThrow();
      assertEquals(503, p.status(), t.toString());
      assertTrue(p.detail().contains("database is not reachable"), p.detail());
    }
  }

  @Test
  void storageExceptionsComeFromSqlStatesInOnePlaceAndAnUnmappedOneIsAConflict() {
    Throwable duplicate = Sql.translate(new PgException("duplicate key", "ERROR", "23505", null));
    assertTrue(duplicate instanceof StorageException.DuplicateKey, duplicate.toString());
    Throwable foreign = Sql.translate(new PgException("still referenced", "ERROR", "23503", null));
    assertTrue(foreign instanceof StorageException.ForeignKey, foreign.toString());
    Throwable other = new PgException("syntax error", "ERROR", "42601", null);
    assertEquals(other, Sql.translate(other), "anything else stays what it is");
    assertEquals(409, FailureHandler.classify(duplicate).orElseThrow().status());
    assertTrue(
        FailureHandler.classify(other).isEmpty(), "a bug is left to the 500 with an error id");
  }

  @Test
  void typedApiErrorsKeepTheirStatusAndDetail() {
    Problem p = FailureHandler.classify(new NotFound("No cluster 'x'.")).orElseThrow();
    assertEquals(404, p.status());
    assertEquals("No cluster 'x'.", p.detail());
  }
}
