package io.cdcconsole.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.Http;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Stored secrets stay with the connection they were saved for (security review M8): the mask does
 * not carry a password to a changed host, an {@code ENC(...)} value cannot be moved elsewhere by an
 * operator, and encrypted exports are for admins.
 */
class SecretRebindTest extends ConsoleTest {
  private static final String MYSQL_PASSWORD = "Bound-Mysql-Secret-61";
  private static final String DORIS_PASSWORD = "Bound-Doris-Secret-62";
  private static long clusterId;
  private static String operator;

  static String yaml(String host, int port, String password, String fenodes, String dorisPassword) {
    return """
        source:
          type: mysql
          hostname: %s
          port: %d
          username: cdc
          password: "%s"
          tables: shop.orders
        sink:
          type: doris
          fenodes: %s
          username: root
          password: "%s"
        pipeline:
          parallelism: 1
        """
        .formatted(host, port, password, fenodes, dorisPassword);
  }

  static String stored() {
    return yaml("db.internal", 3306, MYSQL_PASSWORD, "doris.internal:8030", DORIS_PASSWORD);
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
                    .put("name", "bound")
                    .put("restUrl", "http://127.0.0.1:" + port)
                    .put("cdc", new JsonObject().put("version", "3.2.0")))
            .json()
            .getLong("id");
    operator = console.userToken("bound-operator", "operator");
  }

  private static long create(String name, String yaml, String token) {
    Http.Response created =
        http.post(
            "/api/v1/pipelines",
            token,
            new JsonObject().put("name", name).put("clusterId", clusterId).put("yaml", yaml));
    assertEquals(201, created.status(), created.body());
    return created.json().getLong("id");
  }

  private static Http.Response save(long id, String yaml, String token, String query) {
    String version = http.get("/api/v1/pipelines/" + id, token).header("ETag");
    return http.put(
        "/api/v1/pipelines/" + id + query, token, new JsonObject().put("yaml", yaml), version);
  }

  private static Map<String, Object> revealed(long id) {
    Http.Response r = http.post("/api/v1/pipelines/" + id + "/reveal", admin, null);
    assertEquals(200, r.status(), r.body());
    return r.json().getJsonObject("secrets").getMap();
  }

  private static List<String> errorPaths(Http.Response r) {
    return r.json().getJsonArray("errors").stream()
        .map(e -> ((JsonObject) e).getString("path"))
        .toList();
  }

  @Test
  void theMaskKeepsASecretOnlyForTheSameConnection() {
    long id = create("rebind", stored(), operator);
    String masked = http.get("/api/v1/pipelines/" + id, operator).json().getString("yaml");

    Http.Response newHost =
        save(id, masked.replace("db.internal", "attacker.example"), operator, "");
    assertEquals(400, newHost.status(), newHost.body());
    assertEquals(List.of("source.password"), errorPaths(newHost), newHost.body());
    assertTrue(
        newHost.body().contains("hostname") && newHost.body().contains("enter the secret again"),
        newHost.body());
    assertFalse(newHost.body().contains(MYSQL_PASSWORD));

    Http.Response newPort = save(id, masked.replace("port: 3306", "port: 3307"), operator, "");
    assertEquals(400, newPort.status(), newPort.body());
    Http.Response newSink =
        save(id, masked.replace("doris.internal:8030", "evil.example:8030"), operator, "");
    assertEquals(400, newSink.status(), newSink.body());
    assertEquals(
        List.of("sink.password"),
        errorPaths(newSink),
        "only the sink's secret is bound to the sink: " + newSink.body());
    Http.Response droppedPort = save(id, masked.replace("  port: 3306\n", ""), operator, "");
    assertEquals(
        400,
        droppedPort.status(),
        "removing an endpoint option changes the connection: " + droppedPort.body());

    Http.Response otherOption =
        save(id, masked.replace("shop.orders", "shop.orders,shop.items"), operator, "");
    assertEquals(200, otherOption.status(), "other options do not unbind: " + otherOption.body());
    Http.Response reentered =
        save(
            id,
            masked
                .replace("db.internal", "db2.internal")
                .replaceFirst("\"\\*\\*\\*\\*\\*\\*\"", "\"New-Mysql-Secret-63\""),
            operator,
            "");
    assertEquals(
        200, reentered.status(), "a re-entered secret may go to the new host: " + reentered.body());
    assertEquals("New-Mysql-Secret-63", revealed(id).get("source.password"));
    assertEquals(DORIS_PASSWORD, revealed(id).get("sink.password"));
  }

  @Test
  void onlyAnAdminMayConfirmThatAStoredSecretFollowsANewHost() {
    long id = create("rebind-admin", stored(), operator);
    String moved =
        http.get("/api/v1/pipelines/" + id, operator)
            .json()
            .getString("yaml")
            .replace("db.internal", "db-replica.internal");
    Http.Response byOperator = save(id, moved, operator, "?confirmSecretRebind=true");
    assertEquals(403, byOperator.status(), byOperator.body());
    assertEquals(400, save(id, moved, admin, "").status(), "admins confirm explicitly");
    Http.Response confirmed = save(id, moved, admin, "?confirmSecretRebind=true");
    assertEquals(200, confirmed.status(), confirmed.body());
    assertEquals(MYSQL_PASSWORD, revealed(id).get("source.password"));

    // an import is a save too
    String file =
        http.get("/api/v1/pipelines/" + id + "/export", operator)
            .body()
            .replace("db-replica.internal", "x.example");
    Http.Response imported =
        http.send(
            "POST",
            "/api/v1/pipelines/import",
            operator,
            file,
            null,
            Map.of("Content-Type", "application/yaml"));
    assertEquals(400, imported.status(), imported.body());
  }

  @Test
  void encryptedValuesAreForAdminsAndStayWhereTheyAreStored() {
    long id = create("enc-source", stored(), operator);
    assertEquals(
        403, http.get("/api/v1/pipelines/" + id + "/export?secrets=encrypted", operator).status());
    String file = http.get("/api/v1/pipelines/" + id + "/export?secrets=encrypted", admin).body();
    List<String> enc = encrypted(file);
    assertEquals(2, enc.size(), file);
    String mysqlEnc = enc.get(0);
    String dorisEnc = enc.get(1);

    // an operator cannot move an ENC value into another pipeline, nor to another option of the same
    // one
    String transplanted = yaml("evil.example", 5432, mysqlEnc, "doris.internal:8030", "x-plain");
    Http.Response steal =
        http.post(
            "/api/v1/pipelines",
            operator,
            new JsonObject()
                .put("name", "enc-steal")
                .put("clusterId", clusterId)
                .put("yaml", transplanted));
    assertEquals(400, steal.status(), steal.body());
    assertEquals(List.of("source.password"), errorPaths(steal), steal.body());
    assertTrue(steal.body().contains("encrypted value"), steal.body());
    Http.Response swapped =
        save(
            id, yaml("db.internal", 3306, dorisEnc, "doris.internal:8030", mysqlEnc), operator, "");
    assertEquals(400, swapped.status(), swapped.body());
    assertEquals(List.of("source.password", "sink.password"), errorPaths(swapped), swapped.body());

    // the value stored at the same path, for the same connection, is kept like the mask
    Http.Response same =
        save(
            id, yaml("db.internal", 3306, mysqlEnc, "doris.internal:8030", dorisEnc), operator, "");
    assertEquals(200, same.status(), same.body());
    Http.Response sameValueNewHost =
        save(
            id,
            yaml("evil.example", 3306, mysqlEnc, "doris.internal:8030", dorisEnc),
            operator,
            "");
    assertEquals(400, sameValueNewHost.status(), sameValueNewHost.body());

    // admins may paste ENC values anywhere (they can reveal them anyway), e.g. an import between
    // consoles
    long copy = create("enc-admin-copy", transplanted, admin);
    assertEquals(MYSQL_PASSWORD, revealed(copy).get("source.password"));
  }

  private static List<String> encrypted(String text) {
    Matcher m = Pattern.compile("ENC\\([^)]*\\)").matcher(text);
    List<String> out = new java.util.ArrayList<>();
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }
}
