package io.cdcconsole.test;

import static io.cdcconsole.test.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks {@code pipeline.current_run_id} (V18) against what it stands for: every pipeline names its
 * newest run, and the pipeline list's state and stale filters, their totals and the state sort
 * answer what the newest run of each pipeline says (the definition the lists used before the
 * column: a newest-run look-up per pipeline, here in SQL). Repeated until it holds, since the
 * watcher may move a run between the database read and the API's.
 */
public final class CurrentRuns {
  // the newest run of each pipeline, found without the column
  private static final String NEWEST =
      "select p.id, p.name, coalesce(cr.state, 'NONE') as state, coalesce(cr.stale, false) as stale "
          + "from pipeline p left join lateral (select r.state, r.stale from pipeline_run r "
          + "where r.pipeline_id = p.id order by r.id desc limit 1) cr on true ";

  private CurrentRuns() {}

  public static void check(TestConsole console, String token) throws Exception {
    eventually(() -> checkOnce(console, token));
  }

  private static void checkOnce(TestConsole console, String token) {
    Http http = new Http(console.app().port());
    List<Long> wrong =
        ids(
            console,
            "select p.id from pipeline p where p.current_run_id is distinct from "
                + "(select max(r.id) from pipeline_run r where r.pipeline_id = p.id) order by p.id");
    assertEquals(List.of(), wrong, "pipelines whose current_run_id is not their newest run");

    assertEquals(
        ids(console, NEWEST + "order by 3, p.id"),
        listed(http, token, "/api/v1/pipelines?limit=500&sort=state"),
        "sort=state");
    assertEquals(
        ids(console, NEWEST + "order by 3 desc, p.id desc"),
        listed(http, token, "/api/v1/pipelines?limit=500&sort=-state"),
        "sort=-state");
    Set<String> states =
        new TreeSet<>(strings(console, "select distinct state from (" + NEWEST + ") n"));
    states.addAll(List.of("NONE", "RUNNING", "CANCELED"));
    for (String state : states) {
      List<Long> expected =
          ids(
              console,
              "select id from (" + NEWEST + ") n where state = '" + state + "' order by name");
      assertEquals(
          expected, listed(http, token, "/api/v1/pipelines?limit=500&state=" + state), state);
      // the total of a page that does not hold them all
      JsonObject first = get(http, token, "/api/v1/pipelines?limit=1&state=" + state);
      assertEquals(expected.size(), first.getLong("total").intValue(), "total of state=" + state);
    }
    for (boolean stale : new boolean[] {true, false}) {
      assertEquals(
          ids(
              console,
              "select id from (" + NEWEST + ") n where stale = " + stale + " order by name"),
          listed(http, token, "/api/v1/pipelines?limit=500&stale=" + stale),
          "stale=" + stale);
    }
  }

  private static JsonObject get(Http http, String token, String path) {
    Http.Response r = http.get(path, token);
    assertEquals(200, r.status(), r.body());
    return r.json();
  }

  private static List<Long> listed(Http http, String token, String path) {
    List<Long> ids = new ArrayList<>();
    get(http, token, path)
        .getJsonArray("items")
        .forEach(i -> ids.add(((JsonObject) i).getLong("id")));
    return ids;
  }

  private static List<Long> ids(TestConsole console, String sql) {
    return strings(console, sql).stream().map(Long::valueOf).toList();
  }

  private static List<String> strings(TestConsole console, String sql) {
    var db = console.config().database();
    List<String> out = new ArrayList<>();
    try (Connection c =
            DriverManager.getConnection(
                db.url().orElseThrow(), db.user(), db.password().map(s -> s.value()).orElse(""));
        PreparedStatement s = c.prepareStatement(sql);
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(sql, e);
    }
    return out;
  }
}
