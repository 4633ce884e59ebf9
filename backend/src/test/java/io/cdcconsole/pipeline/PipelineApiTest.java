package io.cdcconsole.pipeline;

import static io.cdcconsole.test.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.Http;
import io.cdcconsole.test.LogCapture;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pipelines through the API: validation on save, secrets never leaving in plaintext, versions,
 * If-Match, import/export.
 */
class PipelineApiTest extends ConsoleTest {
  static final String MYSQL_PASSWORD = "Mysql-Plain-Secret-31";
  static final String DORIS_PASSWORD = "Doris-Plain-Secret-42";
  private static long clusterId;
  private static String operator;
  private static String viewer;

  static String yaml(String name, int parallelism, String mysqlPassword) {
    return """
        # orders from MySQL to Doris
        source:
          type: mysql
          hostname: mysql.internal
          port: 3306
          username: cdc
          password: "%s"
          tables: shop.orders
          server-id: 5400-5404
        sink:
          type: doris
          fenodes: doris.internal:8030
          username: root
          password: %s
        pipeline:
          name: %s
          parallelism: %d
        """
        .formatted(mysqlPassword, DORIS_PASSWORD, name, parallelism);
  }

  static JsonObject pipeline(String name, String yaml) {
    return new JsonObject()
        .put("name", name)
        .put("clusterId", clusterId)
        .put("yaml", yaml)
        .put("labels", new JsonObject().put("team", "shop"))
        .put("description", "orders sync");
  }

  @BeforeAll
  static void setUp() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    clusterId =
        http.post(
                "/api/v1/clusters",
                admin,
                new JsonObject()
                    .put("name", "pipes")
                    .put("restUrl", "http://127.0.0.1:" + port)
                    .put("cdc", new JsonObject().put("version", "3.2.0")))
            .json()
            .getLong("id");
    operator = console.userToken("pipe-operator", "operator");
    viewer = console.userToken("pipe-viewer", "viewer");
  }

  @Test
  void secretsAreEncryptedAtRestMaskedInAnswersAndTheMaskKeepsThem() throws Exception {
    try (LogCapture logs = LogCapture.attach()) {
      Http.Response created =
          http.post(
              "/api/v1/pipelines", operator, pipeline("orders", yaml("orders", 1, MYSQL_PASSWORD)));
      assertEquals(201, created.status(), created.body());
      long id = created.json().getLong("id");
      assertEquals("\"1\"", created.header("ETag"));
      assertNoPlaintext(created.body());
      String masked = created.json().getString("yaml");
      assertTrue(masked.contains("# orders from MySQL to Doris"), "comments are kept: " + masked);
      assertTrue(masked.contains("******"), masked);

      Http.Response got = http.get("/api/v1/pipelines/" + id, viewer);
      assertEquals(200, got.status());
      assertEquals(masked, got.json().getString("yaml"));
      assertEquals("pipe-operator", got.json().getString("owner"));

      // edit another field, sending the masked YAML back: the stored secrets stay
      String edited = masked.replace("parallelism: 1", "parallelism: 2");
      Http.Response updated =
          http.put(
              "/api/v1/pipelines/" + id,
              operator,
              new JsonObject().put("yaml", edited).put("comment", "more parallel"),
              "\"1\"");
      assertEquals(200, updated.status(), updated.body());
      assertEquals(2, updated.json().getInteger("version"));
      Map<String, String> revealed = reveal(id);
      assertEquals(MYSQL_PASSWORD, revealed.get("source.password"));
      assertEquals(DORIS_PASSWORD, revealed.get("sink.password"));

      Http.Response exported = http.get("/api/v1/pipelines/" + id + "/export", viewer);
      assertEquals(200, exported.status());
      assertTrue(exported.contentType().startsWith("application/yaml"));
      assertNoPlaintext(exported.body());
      Http.Response exportedEnc =
          http.get("/api/v1/pipelines/" + id + "/export?secrets=encrypted", admin);
      assertTrue(exportedEnc.body().contains("ENC("));
      assertNoPlaintext(exportedEnc.body());
      assertEquals(
          403, http.get("/api/v1/pipelines/" + id + "/export?secrets=encrypted", viewer).status());
      assertEquals(
          403,
          http.get("/api/v1/pipelines/" + id + "/export?secrets=encrypted", operator).status());

      for (String table : tables()) {
        assertNoPlaintext(dump(table));
      }
      assertNoPlaintext(http.get("/api/v1/audit?limit=500", admin).body());
      assertNoPlaintext(logs.text());
    }
  }

  @Test
  void namedSecretsAreWriteOnlyAndKnowWhoUsesThem() throws Exception {
    String value = "Named-Shared-Secret-55";
    Http.Response put =
        http.put(
            "/api/v1/secrets/shop-mysql",
            admin,
            new JsonObject().put("value", value).put("description", "shared MySQL password"));
    assertEquals(201, put.status(), put.body());
    assertEquals("\"1\"", put.header("ETag"));
    // replacing a secret takes the version read, like every other versioned resource
    Http.Response blind =
        http.put("/api/v1/secrets/shop-mysql", admin, new JsonObject().put("value", value));
    assertEquals(428, blind.status(), blind.body());
    assertEquals(
        200,
        http.put(
                "/api/v1/secrets/shop-mysql",
                admin,
                new JsonObject().put("value", value),
                http.etag("/api/v1/secrets/shop-mysql", viewer))
            .status());
    Http.Response stale =
        http.put(
            "/api/v1/secrets/shop-mysql", admin, new JsonObject().put("value", value), "\"1\"");
    assertEquals(412, stale.status(), stale.body());
    assertEquals(2, stale.json().getInteger("currentVersion"));
    assertEquals(2, http.get("/api/v1/secrets/shop-mysql", viewer).json().getInteger("version"));
    assertEquals(
        403, http.put("/api/v1/secrets/x", operator, new JsonObject().put("value", "v")).status());

    Http.Response missing =
        http.post(
            "/api/v1/pipelines",
            operator,
            pipeline("uses-missing", yaml("uses-missing", 1, "${secret:no-such-secret}")));
    assertEquals(400, missing.status(), missing.body());
    assertTrue(missing.body().contains("no-such-secret"));

    Http.Response created =
        http.post(
            "/api/v1/pipelines",
            operator,
            pipeline("uses-named", yaml("uses-named", 1, "${secret:shop-mysql}")));
    assertEquals(201, created.status(), created.body());
    assertTrue(
        created.json().getString("yaml").contains("${secret:shop-mysql}"),
        "references are shown as they are");

    JsonObject listed =
        http.get("/api/v1/secrets", viewer).items().stream()
            .map(JsonObject.class::cast)
            .filter(s -> "shop-mysql".equals(s.getString("name")))
            .findFirst()
            .orElseThrow();
    assertEquals(List.of("uses-named"), listed.getJsonArray("usedBy").getList());
    assertFalse(http.get("/api/v1/secrets", admin).body().contains(value));
    assertEquals(428, http.delete("/api/v1/secrets/shop-mysql", admin).status());
    assertEquals(409, http.delete("/api/v1/secrets/shop-mysql", admin, "\"2\"").status());
    assertFalse(dump("named_secret").contains(value));
    assertEquals(value, reveal(created.json().getLong("id")).get("${secret:shop-mysql}"));
  }

  @Test
  void revealIsForAdminsOnlyAndAudited() throws Exception {
    long id =
        http.post(
                "/api/v1/pipelines",
                operator,
                pipeline("revealed", yaml("revealed", 1, MYSQL_PASSWORD)))
            .json()
            .getLong("id");
    assertEquals(403, http.post("/api/v1/pipelines/" + id + "/reveal", operator, null).status());
    assertEquals(403, http.post("/api/v1/pipelines/" + id + "/reveal", viewer, null).status());
    assertEquals(MYSQL_PASSWORD, reveal(id).get("source.password"));
    // the reveal is audited (the row is written after the answer is sent)
    JsonObject row =
        eventually(
                () ->
                    http.get(
                            "/api/v1/audit?action=pipeline.reveal-secrets&resourceId="
                                + id
                                + "&outcome=success",
                            admin)
                        .items(),
                items -> !items.isEmpty())
            .getJsonObject(0);
    assertEquals("admin", row.getString("actor"));
    assertNoPlaintext(row.encode());
  }

  @Test
  void aConnectorNewerThanTheClustersFlinkCdcIsRefusedNamingTheVersionThatHasIt() {
    long oldCluster =
        http.post(
                "/api/v1/clusters",
                admin,
                new JsonObject()
                    .put("name", "old-cdc")
                    .put("restUrl", "http://127.0.0.1:9")
                    .put("cdc", new JsonObject().put("version", "3.0.0")))
            .json()
            .getLong("id");
    String kafka =
        "source:\n  type: values\nsink:\n  type: kafka\n  properties.bootstrap.servers: k:9092\n";
    Http.Response refused =
        http.post(
            "/api/v1/pipelines",
            operator,
            new JsonObject()
                .put("name", "to-kafka")
                .put("clusterId", oldCluster)
                .put("yaml", kafka));
    assertEquals(400, refused.status(), refused.body());
    assertTrue(
        refused.body().contains("sink.type")
            && refused.body().contains("needs Flink CDC 3.1.0 or later"),
        refused.body());
    // without a version (nothing stated, nothing detected: the cluster does not answer) it saves
    long unknown =
        http.post(
                "/api/v1/clusters",
                admin,
                new JsonObject()
                    .put("name", "unknown-cdc")
                    .put("restUrl", "http://127.0.0.1:9")
                    .put("cdc", new JsonObject()))
            .json()
            .getLong("id");
    Http.Response saved =
        http.post(
            "/api/v1/pipelines",
            operator,
            new JsonObject()
                .put("name", "to-kafka")
                .put("clusterId", unknown)
                .put("yaml", kafka + "  no-such-option: 1\n"));
    assertEquals(201, saved.status(), saved.body());
    // warnings come back from a save, an update (it dropped them once) and a rollback, which is
    // validated too
    assertTrue(hasWarningAt(saved.json(), "sink.no-such-option"), saved.body());
    String path = "/api/v1/pipelines/" + saved.json().getLong("id");
    Http.Response updated =
        http.put(path, operator, new JsonObject().put("description", "still kafka"), "\"1\"");
    assertEquals(200, updated.status(), updated.body());
    assertTrue(hasWarningAt(updated.json(), "sink.no-such-option"), updated.body());
    Http.Response rolledBack =
        http.send(
            "POST",
            path + "/versions/1/rollback",
            operator,
            null,
            null,
            Map.of("If-Match", "\"2\""));
    assertEquals(200, rolledBack.status(), rolledBack.body());
    assertTrue(hasWarningAt(rolledBack.json(), "sink.no-such-option"), rolledBack.body());
  }

  @Test
  void versionsDiffRollbackAndIfMatch() {
    long id =
        http.post(
                "/api/v1/pipelines",
                operator,
                pipeline("versioned", yaml("versioned", 1, MYSQL_PASSWORD)))
            .json()
            .getLong("id");
    String path = "/api/v1/pipelines/" + id;
    Http.Response v2 =
        http.put(
            path,
            operator,
            new JsonObject()
                .put("yaml", yaml("versioned", 4, MYSQL_PASSWORD))
                .put("comment", "four"),
            "\"1\"");
    assertEquals(200, v2.status(), v2.body());

    Http.Response stale =
        http.put(path, operator, new JsonObject().put("description", "late"), "\"1\"");
    assertEquals(412, stale.status(), stale.body());
    assertEquals(2, stale.json().getInteger("currentVersion"));
    assertTrue(stale.json().getString("detail").contains("current version is 2"));
    Http.Response noIfMatch =
        http.send("PUT", path, operator, new JsonObject().put("description", "x").encode(), null);
    assertEquals(428, noIfMatch.status(), noIfMatch.body());

    var versions = http.get(path + "/versions", viewer).items();
    assertEquals(2, versions.size());
    assertEquals(2, versions.getJsonObject(0).getInteger("version"));
    assertEquals("four", versions.getJsonObject(0).getString("comment"));
    assertEquals("pipe-operator", versions.getJsonObject(0).getString("author"));

    String diff = http.get(path + "/versions/1/diff/2", viewer).json().getString("diff");
    assertTrue(diff.contains("-  parallelism: 1"), diff);
    assertTrue(diff.contains("+  parallelism: 4"), diff);
    assertTrue(diff.startsWith("--- version 1"), diff);
    assertNoPlaintext(diff);
    assertEquals("", http.get(path + "/versions/2/diff/2", viewer).json().getString("diff"));
    assertEquals(404, http.get(path + "/versions/9", viewer).status());

    Http.Response rolledBack =
        http.send(
            "POST",
            path + "/versions/1/rollback",
            operator,
            null,
            null,
            Map.of("If-Match", "\"2\""));
    assertEquals(200, rolledBack.status(), rolledBack.body());
    assertEquals(3, rolledBack.json().getInteger("version"));
    assertEquals(
        http.get(path + "/versions/1", viewer).json().getString("yaml"),
        rolledBack.json().getString("yaml"));
    assertEquals("", http.get(path + "/versions/1/diff/3", viewer).json().getString("diff"));
    assertEquals(
        "Rolled back to version 1",
        http.get(path + "/versions/3", viewer).json().getString("comment"));
  }

  @Test
  void invalidDefinitionsAreRefusedWithPositionsAndTheDryRunSaysWhy() {
    String bad = "source:\n  type: mysql\n  hostname: h\nsinks:\n  type: doris\n";
    Http.Response refused = http.post("/api/v1/pipelines", operator, pipeline("bad-one", bad));
    assertEquals(400, refused.status(), refused.body());
    assertEquals("application/problem+json", refused.contentType());
    JsonObject unknownKey =
        refused.json().getJsonArray("errors").stream()
            .map(JsonObject.class::cast)
            .filter(e -> e.getString("message").contains("sinks"))
            .findFirst()
            .orElseThrow();
    assertEquals(4, unknownKey.getInteger("line"));
    assertEquals(1, unknownKey.getInteger("column"));

    Http.Response dry =
        http.post("/api/v1/pipelines/validate", viewer, new JsonObject().put("yaml", bad));
    assertEquals(200, dry.status(), dry.body());
    assertFalse(dry.json().getBoolean("valid"));
    assertFalse(dry.json().getJsonArray("errors").isEmpty());
    Http.Response dryRaw =
        http.send(
            "POST",
            "/api/v1/pipelines/validate",
            viewer,
            yaml("ok", 1, "pw"),
            null,
            Map.of("Content-Type", "application/yaml"));
    assertEquals(200, dryRaw.status(), dryRaw.body());
    assertTrue(dryRaw.json().getBoolean("valid"), dryRaw.body());

    assertEquals(
        400,
        http.post("/api/v1/pipelines", operator, pipeline("Bad Name", yaml("x", 1, "pw")))
            .status());
    assertEquals(
        400,
        http.post(
                "/api/v1/pipelines",
                operator,
                pipeline("no-cluster", yaml("x", 1, "pw")).put("clusterId", 987654))
            .status());
    Http.Response masked =
        http.post("/api/v1/pipelines", operator, pipeline("mask-new", yaml("x", 1, "******")));
    assertEquals(
        400, masked.status(), "a mask on a new pipeline has nothing to keep: " + masked.body());
    String huge = yaml("huge", 1, "pw") + "#" + "x".repeat(300 * 1024) + "\n";
    Http.Response tooBig = http.post("/api/v1/pipelines", operator, pipeline("huge", huge));
    assertEquals(413, tooBig.status(), tooBig.body());
  }

  @Test
  void rolesClusterDeletionImportAndListing() throws Exception {
    Http.Response created =
        http.post(
            "/api/v1/pipelines", operator, pipeline("listed", yaml("listed", 1, MYSQL_PASSWORD)));
    long id = created.json().getLong("id");
    assertEquals(
        403,
        http.post("/api/v1/pipelines", viewer, pipeline("by-viewer", yaml("v", 1, "pw"))).status());
    assertEquals(
        403,
        http.put(
                "/api/v1/pipelines/" + id,
                viewer,
                new JsonObject().put("description", "x"),
                "\"1\"")
            .status());
    assertEquals(403, http.delete("/api/v1/pipelines/" + id, viewer, "\"1\"").status());

    Http.Response deleteCluster =
        http.delete(
            "/api/v1/clusters/" + clusterId,
            admin,
            http.etag("/api/v1/clusters/" + clusterId, admin));
    assertEquals(409, deleteCluster.status(), deleteCluster.body());
    assertTrue(deleteCluster.json().getString("detail").contains("listed"), deleteCluster.body());

    // an admin exports, then imports under another name: a copy with the same (encrypted) secrets
    String file = http.get("/api/v1/pipelines/listed/export?secrets=encrypted", admin).body();
    Http.Response imported =
        http.send(
            "POST",
            "/api/v1/pipelines/import?name=listed-copy",
            admin,
            file,
            null,
            Map.of("Content-Type", "application/yaml"));
    assertEquals(201, imported.status(), imported.body());
    assertEquals(MYSQL_PASSWORD, reveal(imported.json().getLong("id")).get("source.password"));
    assertEquals(
        "pipes",
        http.get("/api/v1/clusters/" + imported.json().getLong("clusterId"), viewer)
            .json()
            .getString("name"));
    // a masked export imported over the existing pipeline makes a new version and keeps its secrets
    String maskedFile =
        http.get("/api/v1/pipelines/listed/export", viewer)
            .body()
            .replace("parallelism: 1", "parallelism: 3");
    Http.Response reimported =
        http.send(
            "POST",
            "/api/v1/pipelines/import",
            operator,
            maskedFile,
            null,
            Map.of("Content-Type", "application/yaml"));
    assertEquals(200, reimported.status(), reimported.body());
    assertEquals(2, reimported.json().getInteger("version"));
    assertEquals(MYSQL_PASSWORD, reveal(id).get("source.password"));

    assertTrue(http.get("/api/v1/pipelines?name=listed", viewer).json().getLong("total") >= 2);
    assertEquals(
        0, http.get("/api/v1/pipelines?label=team=nobody", viewer).json().getLong("total"));
    assertTrue(
        http.get("/api/v1/pipelines?label=team=shop&cluster=pipes&limit=1", viewer).items().size()
            == 1);
    assertNotEquals(
        0, http.get("/api/v1/pipelines?cluster=" + clusterId, viewer).json().getLong("total"));
    assertEquals(400, http.get("/api/v1/pipelines?cluster=no-such-cluster", viewer).status());
    assertEquals(428, http.delete("/api/v1/pipelines/listed-copy", operator).status());
    assertEquals(412, http.delete("/api/v1/pipelines/listed-copy", operator, "\"7\"").status());
    assertEquals(
        204,
        http.delete(
                "/api/v1/pipelines/listed-copy",
                operator,
                http.etag("/api/v1/pipelines/listed-copy", viewer))
            .status());
    assertEquals(404, http.get("/api/v1/pipelines/listed-copy", viewer).status());
  }

  @Test
  void listTotalsFollowEveryChangeAtOnceThoughTheyAreReused() {
    long before = total("/api/v1/pipelines?name=counted");
    // asked twice: the second answer may come from the reused count
    assertEquals(before, total("/api/v1/pipelines?name=counted"));
    Http.Response created =
        http.post(
            "/api/v1/pipelines",
            operator,
            pipeline("counted-one", yaml("counted-one", 1, MYSQL_PASSWORD)));
    assertEquals(201, created.status(), created.body());
    assertEquals(before + 1, total("/api/v1/pipelines?name=counted"));
    Http.Response renamed =
        http.put(
            "/api/v1/pipelines/counted-one",
            operator,
            pipeline("renamed-one", yaml("counted-one", 1, MYSQL_PASSWORD)),
            "\"1\"");
    assertEquals(200, renamed.status(), renamed.body());
    assertEquals(before, total("/api/v1/pipelines?name=counted"));
    assertEquals(204, http.delete("/api/v1/pipelines/renamed-one", operator, "\"2\"").status());
    assertEquals(0, total("/api/v1/pipelines?name=renamed-one"));
  }

  private static long total(String path) {
    // a new connection each time: on two HTTP instances both are asked
    Http.Response r = new Http(console.app().port()).get(path, viewer);
    assertEquals(200, r.status(), r.body());
    return r.json().getLong("total");
  }

  private static Map<String, String> reveal(long id) {
    Http.Response r = http.post("/api/v1/pipelines/" + id + "/reveal", admin, null);
    assertEquals(200, r.status(), r.body());
    Map<String, String> out = new java.util.HashMap<>();
    r.json()
        .getJsonObject("secrets")
        .forEach(e -> out.put(e.getKey(), String.valueOf(e.getValue())));
    return out;
  }

  private static void assertNoPlaintext(String text) {
    assertFalse(text.contains(MYSQL_PASSWORD), "MySQL password in: " + text);
    assertFalse(text.contains(DORIS_PASSWORD), "Doris password in: " + text);
    assertFalse(text.contains("Named-Shared-Secret-55"), "named secret in: " + text);
  }

  /** Every table of the console's schema, so that a table added later is checked too. */
  private static List<String> tables() throws Exception {
    var db = console.config().database();
    List<String> tables = new java.util.ArrayList<>();
    try (Connection c =
            DriverManager.getConnection(
                db.url().orElseThrow(), db.user(), db.password().map(s -> s.value()).orElse(""));
        ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "select table_name from information_schema.tables where table_schema = 'public'")) {
      while (rs.next()) {
        tables.add(rs.getString(1));
      }
    }
    assertTrue(
        tables.containsAll(List.of("pipeline", "pipeline_version", "named_secret", "audit_event")),
        tables.toString());
    return tables;
  }

  private static String dump(String table) throws Exception {
    var db = console.config().database();
    StringBuilder sb = new StringBuilder();
    try (Connection c =
            DriverManager.getConnection(
                db.url().orElseThrow(), db.user(), db.password().map(s -> s.value()).orElse(""));
        ResultSet rs = c.createStatement().executeQuery("select * from " + table)) {
      while (rs.next()) {
        for (int col = 1; col <= rs.getMetaData().getColumnCount(); col++) {
          sb.append(rs.getString(col)).append('|');
        }
      }
    }
    return sb.toString();
  }

  private static boolean hasWarningAt(JsonObject answer, String path) {
    return answer.getJsonArray("warnings").stream()
        .map(JsonObject.class::cast)
        .anyMatch(w -> path.equals(w.getString("path")));
  }
}
