package io.cdcconsole.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The cluster registry through the API: validation, roles, secrets at rest and in answers,
 * versions.
 */
class ClusterApiTest extends ConsoleTest {

  static JsonObject cluster(String name, int port) {
    return new JsonObject()
        .put("name", name)
        .put("restUrl", "http://127.0.0.1:" + port)
        .put("labels", new JsonObject().put("env", "test"))
        .put("cdc", new JsonObject().put("mode", "provided").put("version", "3.2.0"));
  }

  static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void anAdminRegistersAClusterWhoseUrlDoesNotAnswerAndSeesItUnreachableAtOnce() throws Exception {
    Http.Response created = http.post("/api/v1/clusters", admin, cluster("nowhere", closedPort()));
    assertEquals(201, created.status(), created.body());
    JsonObject json = created.json();
    assertEquals("/api/v1/clusters/" + json.getLong("id"), created.header("Location"));
    assertEquals("UNREACHABLE", json.getJsonObject("health").getString("status"));
    assertFalse(json.getJsonObject("health").getBoolean("reachable"));
    assertEquals("provided", json.getJsonObject("cdc").getString("mode"));
    assertEquals("3.2.0", json.getJsonObject("cdc").getString("version"));
    assertEquals("\"1\"", http.get("/api/v1/clusters/" + json.getLong("id"), admin).header("ETag"));
  }

  @Test
  void authenticationSecretsAreEncryptedAtRestAndMaskedInAnswers() throws Exception {
    String password = "flink-Basic-Secret-77";
    String headerSecret = "tenant-Api-Key-88";
    JsonObject body =
        cluster("guarded", closedPort())
            .put(
                "auth",
                new JsonObject()
                    .put("type", "basic")
                    .put("username", "flink")
                    .put("password", password))
            .put(
                "headers", new JsonObject().put("X-Api-Key", headerSecret).put("X-Tenant", "blue"));
    Http.Response created = http.post("/api/v1/clusters", admin, body);
    assertEquals(201, created.status(), created.body());
    long id = created.json().getLong("id");
    assertFalse(created.body().contains(password));
    assertFalse(created.body().contains(headerSecret));
    JsonObject got = http.get("/api/v1/clusters/" + id, admin).json();
    assertEquals("******", got.getJsonObject("auth").getString("password"));
    assertEquals("******", got.getJsonObject("headers").getString("X-Api-Key"));
    assertEquals("blue", got.getJsonObject("headers").getString("X-Tenant"));
    String row = rowText("select * from flink_cluster where id = " + id);
    String secretsBefore = rowText("select auth, headers from flink_cluster where id = " + id);
    assertFalse(row.contains(password), row);
    assertFalse(row.contains(headerSecret), row);
    assertTrue(row.contains("ENC("), row);

    // saving the masked answer back keeps the stored secrets; the version moves on
    JsonObject edit = got.copy().put("description", "edited without knowing the password");
    Http.Response updated = http.put("/api/v1/clusters/" + id, admin, edit, "\"1\"");
    assertEquals(200, updated.status(), updated.body());
    assertEquals(2, updated.json().getInteger("version"));
    assertEquals("\"2\"", updated.header("ETag"));
    assertEquals(
        secretsBefore,
        rowText("select auth, headers from flink_cluster where id = " + id),
        "the same ENC values are kept");
  }

  @Test
  void updatesAndDeletesNeedTheVersionReadAndTheClusterIsFoundByIdOrName() throws Exception {
    long id =
        http.post("/api/v1/clusters", admin, cluster("versioned", closedPort()))
            .json()
            .getLong("id");
    JsonObject edit =
        http.get("/api/v1/clusters/versioned", admin).json().put("description", "by name");
    assertEquals(id, edit.getLong("id"), "the name finds the same cluster as the id");

    Http.Response missing = http.put("/api/v1/clusters/" + id, admin, edit);
    assertEquals(428, missing.status(), missing.body());
    assertEquals(428, http.delete("/api/v1/clusters/versioned", admin).status());
    assertEquals(
        200,
        http.put(
                "/api/v1/clusters/versioned",
                admin,
                edit,
                http.etag("/api/v1/clusters/" + id, admin))
            .status());
    Http.Response stale = http.put("/api/v1/clusters/" + id, admin, edit, "\"1\"");
    assertEquals(412, stale.status(), stale.body());
    assertEquals(2, stale.json().getInteger("currentVersion"));
    assertEquals(412, http.delete("/api/v1/clusters/" + id, admin, "\"1\"").status());
    assertEquals(
        200, http.get("/api/v1/clusters/" + id, admin).status(), "a stale delete deletes nothing");

    Http.Response digits = http.post("/api/v1/clusters", admin, cluster("12345", closedPort()));
    assertEquals(400, digits.status(), "a name of digits would read as an id: " + digits.body());
    assertEquals(204, http.delete("/api/v1/clusters/versioned", admin, "\"2\"").status());
    assertEquals(404, http.get("/api/v1/clusters/versioned", admin).status());
  }

  @Test
  void aClusterThatDoesNotAnswerIsAnOutageOfTheClusterNotOfTheDatabase() throws Exception {
    // adopting a job asks the pipeline's cluster about it; a refused connection there once read
    // "database not reachable"
    long id =
        http.post("/api/v1/clusters", admin, cluster("refusing", closedPort()))
            .json()
            .getLong("id");
    Http.Response p =
        http.post(
            "/api/v1/pipelines",
            admin,
            new JsonObject()
                .put("name", "on-refusing")
                .put("clusterId", id)
                .put("yaml", "source:\n  type: values\nsink:\n  type: values\n"));
    assertEquals(201, p.status(), p.body());
    Http.Response adopt =
        http.post(
            "/api/v1/pipelines/on-refusing/adopt",
            admin,
            new JsonObject().put("jobId", "0123456789abcdef0123456789abcdef"));
    assertEquals(503, adopt.status(), adopt.body());
    assertFalse(adopt.json().getString("detail").toLowerCase().contains("database"), adopt.body());
    assertTrue(
        adopt.json().getString("detail").contains("Flink cluster 'refusing' did not answer"),
        adopt.body());
    assertEquals(200, http.get("/health", null).status(), "the console itself is fine");
  }

  @Test
  void badDefinitionsAreRefusedNamingTheField() throws Exception {
    int port = closedPort();
    assertField(http.post("/api/v1/clusters", admin, cluster("Bad Name", port)), "name");
    assertField(
        http.post("/api/v1/clusters", admin, cluster("badurl", port).put("restUrl", "ftp://x")),
        "restUrl");
    // the version is optional when the cluster provides Flink CDC (detected), required when the
    // console ships it
    assertField(
        http.post(
            "/api/v1/clusters",
            admin,
            cluster("noversion", port).put("cdc", new JsonObject().put("mode", "shipped"))),
        "cdc.version");
    assertField(
        http.post(
            "/api/v1/clusters",
            admin,
            cluster("badversion", port).put("cdc", new JsonObject().put("version", "latest"))),
        "cdc.version");
    assertField(
        http.post(
            "/api/v1/clusters",
            admin,
            cluster("badmode", port)
                .put("cdc", new JsonObject().put("mode", "magic").put("version", "3.2.0"))),
        "cdc.mode");
    assertField(
        http.post(
            "/api/v1/clusters",
            admin,
            cluster("nopass", port)
                .put("auth", new JsonObject().put("type", "basic").put("username", "u"))),
        "auth.password");
    assertField(
        http.post(
            "/api/v1/clusters",
            admin,
            cluster("maskonly", port)
                .put("auth", new JsonObject().put("type", "bearer").put("token", "******"))),
        "auth.token");
    assertField(
        http.post(
            "/api/v1/clusters",
            admin,
            cluster("badlabel", port).put("labels", new JsonObject().put("Env!", "x"))),
        "labels.Env!");
    assertField(
        http.post(
            "/api/v1/clusters",
            admin,
            cluster("badtls", port).put("tls", new JsonObject().put("caPem", "not a cert"))),
        "tls.caPem");
    assertEquals(201, http.post("/api/v1/clusters", admin, cluster("twin", port)).status());
    assertEquals(409, http.post("/api/v1/clusters", admin, cluster("twin", port)).status());
    assertEquals(404, http.get("/api/v1/clusters/424242", admin).status());
  }

  @Test
  void everyoneReadsOnlyAdminsWrite() throws Exception {
    String viewer = console.userToken("cluster-viewer", "viewer");
    String operator = console.userToken("cluster-operator", "operator");
    long id =
        http.post("/api/v1/clusters", admin, cluster("roles", closedPort())).json().getLong("id");
    for (String t : new String[] {viewer, operator}) {
      assertEquals(200, http.get("/api/v1/clusters", t).status());
      assertEquals(200, http.get("/api/v1/clusters/" + id, t).status());
      assertEquals(403, http.post("/api/v1/clusters", t, cluster("x-" + t.length(), 1)).status());
      assertEquals(
          403,
          http.send("PUT", "/api/v1/clusters/" + id, t, cluster("roles", 1).encode(), null)
              .status());
      assertEquals(403, http.delete("/api/v1/clusters/" + id, t, "\"1\"").status());
    }
    assertTrue(http.get("/api/v1/clusters?label=env=test", viewer).json().getInteger("total") >= 1);
    assertTrue(
        http.get("/api/v1/clusters?label=env", viewer).items().stream()
            .anyMatch(c -> ((JsonObject) c).getLong("id") == id),
        "a bare key matches any value");
    assertEquals(0, http.get("/api/v1/clusters?label=env=nope", viewer).json().getInteger("total"));
    assertEquals(0, http.get("/api/v1/clusters?label=nokey", viewer).json().getInteger("total"));
    assertEquals(204, http.delete("/api/v1/clusters/" + id, admin, "\"1\"").status());
    assertEquals(404, http.get("/api/v1/clusters/" + id, admin).status());
  }

  @Test
  void aClusterInUseIsNotDeletedAndTheRefusalNamesThePipelines() throws Exception {
    long id =
        http.post("/api/v1/clusters", admin, cluster("busy", closedPort())).json().getLong("id");
    List<Long> pipelineIds = new java.util.ArrayList<>();
    for (String name : List.of("uses-busy-b", "uses-busy-a")) {
      Http.Response p =
          http.post(
              "/api/v1/pipelines",
              admin,
              new JsonObject()
                  .put("name", name)
                  .put("clusterId", id)
                  .put("yaml", "source:\n  type: values\nsink:\n  type: values\n"));
      assertEquals(201, p.status(), p.body());
      pipelineIds.add(p.json().getLong("id"));
    }
    Http.Response refused = http.delete("/api/v1/clusters/" + id, admin, "\"1\"");
    assertEquals(409, refused.status(), refused.body());
    assertTrue(refused.contentType().startsWith("application/problem+json"), refused.contentType());
    assertEquals(
        new JsonArray()
            .add(new JsonObject().put("id", pipelineIds.get(1)).put("name", "uses-busy-a"))
            .add(new JsonObject().put("id", pipelineIds.get(0)).put("name", "uses-busy-b")),
        refused.json().getJsonArray("pipelines"),
        refused.body());
    assertEquals(200, http.get("/api/v1/clusters/" + id, admin).status(), "still there");
    for (long pipelineId : pipelineIds) {
      assertEquals(204, http.delete("/api/v1/pipelines/" + pipelineId, admin, "\"1\"").status());
    }
    assertEquals(204, http.delete("/api/v1/clusters/" + id, admin, "\"1\"").status());
  }

  private static void assertField(Http.Response r, String field) {
    assertEquals(400, r.status(), r.body());
    assertTrue(
        r.json().getJsonArray("errors").stream()
            .anyMatch(e -> field.equals(((JsonObject) e).getString("path"))),
        field + " in " + r.body());
  }

  static String rowText(String sql) throws Exception {
    var db = console.config().database();
    StringBuilder sb = new StringBuilder();
    try (Connection c =
            DriverManager.getConnection(
                db.url().orElseThrow(), db.user(), db.password().map(s -> s.value()).orElse(""));
        ResultSet rs = c.createStatement().executeQuery(sql)) {
      while (rs.next()) {
        for (int col = 1; col <= rs.getMetaData().getColumnCount(); col++) {
          sb.append(rs.getString(col)).append('|');
        }
      }
    }
    return sb.toString();
  }
}
