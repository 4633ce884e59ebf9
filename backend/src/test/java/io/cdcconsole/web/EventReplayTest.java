package io.cdcconsole.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.Sse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The bound of the replay after {@code Last-Event-ID}: a client that missed more than 1000
 * transitions gets the newest 1000, after a {@code replay.truncated} event. The transitions are
 * written straight into the real database (a finished run with 1205 of them), so the watcher leaves
 * them alone.
 */
@Timeout(120)
class EventReplayTest extends ConsoleTest {
  private static final int STORED = 1205;
  private static long firstId;
  private static long lastId;

  @BeforeAll
  static void storeManyTransitions() throws Exception {
    long clusterId = unreachableCluster("quiet");
    long pipelineId = valuesPipeline("chatty", clusterId);
    var db = console.config().database();
    try (Connection c =
            DriverManager.getConnection(
                db.url().orElseThrow(), db.user(), db.password().map(s -> s.value()).orElse(""));
        Statement st = c.createStatement()) {
      st.execute(
          "insert into pipeline_run (pipeline_id, pipeline_version, cluster_id, job_id, state) values ("
              + pipelineId
              + ", 1, "
              + clusterId
              + ", '"
              + "ab".repeat(16)
              + "', 'FINISHED')");
      st.execute(
          "insert into run_transition (run_id, from_state, to_state, source, detail) "
              + "select (select max(id) from pipeline_run), 'RUNNING', 'RESTARTING', 'flink', 'restart ' || n "
              + "from generate_series(1, "
              + STORED
              + ") n");
      try (ResultSet rs = st.executeQuery("select min(id), max(id) from run_transition")) {
        rs.next();
        firstId = rs.getLong(1);
        lastId = rs.getLong(2);
      }
    }
    assertEquals(STORED - 1, lastId - firstId);
  }

  @Test
  void moreMissedTransitionsThanTheBoundGiveTheNewestThousandAfterATruncationNotice() {
    try (Sse stream = Sse.open(console.app().port(), admin, firstId - 1)) {
      assertEquals(200, stream.status());
      Sse.Event notice = stream.next().orElseThrow();
      assertEquals("replay.truncated", notice.name(), notice.toString());
      assertEquals(firstId - 1, notice.data().getLong("lastEventId"));
      long expectedFirst = lastId - 999;
      assertEquals(expectedFirst, notice.data().getLong("firstReplayedId"));
      List<Long> ids = replayed(stream, lastId);
      assertEquals(1000, ids.size());
      for (int i = 0; i < ids.size(); i++) {
        assertEquals(expectedFirst + i, ids.get(i), "in order, none left out, none twice");
      }
    }
  }

  @Test
  void fewMissedTransitionsAreReplayedWithoutANotice() {
    try (Sse stream = Sse.open(console.app().port(), admin, lastId - 3)) {
      assertEquals(List.of(lastId - 2, lastId - 1, lastId), replayed(stream, lastId));
    }
  }

  /** The run.state ids up to {@code last}; fails on any other event before it. */
  private static List<Long> replayed(Sse stream, long last) {
    List<Long> ids = new ArrayList<>();
    while (ids.isEmpty() || ids.get(ids.size() - 1) != last) {
      Sse.Event e = stream.next().orElseThrow();
      assertEquals("run.state", e.name(), e.toString());
      assertEquals(e.id(), e.data().getLong("id"));
      assertEquals("chatty", e.data().getString("pipeline"));
      assertTrue(e.id() <= last);
      ids.add(e.id());
    }
    return ids;
  }
}
