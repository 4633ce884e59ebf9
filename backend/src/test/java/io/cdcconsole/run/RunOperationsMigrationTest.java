package io.cdcconsole.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.test.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * V19 on a database that has runs with the former JSON column: every operation becomes a {@code
 * run_operation} row as the console wrote it, an unreadable one a FAILED row saying so (never a
 * failed upgrade), and the column is gone.
 */
class RunOperationsMigrationTest {

  private static Flyway flyway(TestDatabase.Db db, String target) {
    return Flyway.configure()
        .dataSource(db.url(), db.user(), db.password())
        .locations("classpath:db/migration")
        .placeholderReplacement(false)
        .target(target)
        .load();
  }

  @Test
  void theJsonColumnsOperationsBecomeRowsAndTheColumnIsDropped() throws Exception {
    TestDatabase.Db db = TestDatabase.create();
    flyway(db, "18").migrate();
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        Statement st = c.createStatement()) {
      st.execute(
          "insert into flink_cluster (name, rest_url, cdc_version) values ('c', 'http://x', '3.2.0')");
      for (String p : new String[] {"stopped", "saving", "quiet", "odd"}) {
        st.execute(
            "insert into pipeline (name, cluster_id, yaml, version) "
                + "select '"
                + p
                + "', id, 'source: {}', 1 from flink_cluster");
      }
      run(
          st,
          "stopped",
          "STOPPED",
          1,
          "{\"kind\": \"stop\", \"triggerId\": \""
              + "a".repeat(32)
              + "\", \"status\": \"COMPLETED\", "
              + "\"startedAt\": \"2026-12-01T10:00:00Z\", \"targetDirectory\": \"file:/sp\", "
              + "\"drain\": true, \"location\": \"file:/sp/savepoint-1\", \"error\": null, "
              + "\"finishedAt\": \"2026-12-01T10:00:05Z\"}");
      run(
          st,
          "saving",
          "RUNNING",
          2,
          "{\"kind\": \"savepoint\", \"triggerId\": \""
              + "b".repeat(32)
              + "\", "
              + "\"status\": \"IN_PROGRESS\", \"startedAt\": \"not a time\", \"periodic\": true}");
      run(st, "quiet", "RUNNING", 3, null);
      run(st, "odd", "FAILED", 4, "{\"kind\": \"x\", \"status\": \"WEIRD\", \"drain\": \"yes\"}");
    }

    flyway(db, "19").migrate();

    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        Statement st = c.createStatement()) {
      try (ResultSet r =
          st.executeQuery(
              "select count(*) from information_schema.columns "
                  + "where table_name = 'pipeline_run' and column_name = 'operation'")) {
        r.next();
        assertEquals(0, r.getInt(1), "the JSON column is dropped");
      }
      try (ResultSet r =
          st.executeQuery(
              "select p.name, o.*, r.updated_at as run_updated from run_operation o "
                  + "join pipeline_run r on r.id = o.run_id join pipeline p on p.id = r.pipeline_id "
                  + "order by o.id")) {
        assertTrue(r.next());
        assertEquals("stopped", r.getString("name"));
        assertEquals("stop", r.getString("kind"));
        assertEquals("a".repeat(32), r.getString("trigger_id"));
        assertEquals("COMPLETED", r.getString("status"));
        assertEquals("file:/sp", r.getString("target_directory"));
        assertTrue(r.getBoolean("drain"));
        assertEquals("file:/sp/savepoint-1", r.getString("location"));
        assertNull(r.getString("error"));
        assertEquals(
            Instant.parse("2026-12-01T10:00:00Z"), r.getTimestamp("started_at").toInstant());
        assertEquals(
            Instant.parse("2026-12-01T10:00:05Z"), r.getTimestamp("finished_at").toInstant());
        assertNull(r.getString("claimed_by"));

        assertTrue(r.next());
        assertEquals("saving", r.getString("name"));
        assertEquals("IN_PROGRESS", r.getString("status"));
        assertTrue(r.getBoolean("periodic"));
        assertEquals(
            r.getTimestamp("run_updated"),
            r.getTimestamp("started_at"),
            "an unreadable start is the run's last update");
        assertNull(r.getString("claimed_by"), "nobody follows it: a reconciler takes it up");

        assertTrue(r.next());
        assertEquals("odd", r.getString("name"));
        assertEquals("savepoint", r.getString("kind"));
        assertEquals("FAILED", r.getString("status"));
        assertFalse(r.getBoolean("drain"));
        assertEquals("not readable after the upgrade", r.getString("error"));

        assertFalse(r.next(), "a run without an operation has no row");
      }
    }
  }

  private static void run(Statement st, String pipeline, String state, int n, String operation)
      throws Exception {
    st.execute(
        "insert into pipeline_run (pipeline_id, pipeline_version, cluster_id, job_id, state, operation) "
            + "select p.id, 1, p.cluster_id, '"
            + String.format("%032x", n)
            + "', '"
            + state
            + "', "
            + (operation == null ? "null" : "'" + operation + "'::jsonb")
            + " from pipeline p where p.name = '"
            + pipeline
            + "'");
  }
}
