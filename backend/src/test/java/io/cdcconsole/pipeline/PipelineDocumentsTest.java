package io.cdcconsole.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.config.SecretCipher;
import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.Http;
import io.cdcconsole.test.TestConsole;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * YAML work never runs on an event loop (security review M6), documents whose stored form would be
 * unreadable are refused (L1), and a document that contains itself is an error, not a crash (L2).
 */
class PipelineDocumentsTest extends ConsoleTest {
  private static final String SECRET = "Many-Secrets-Plain-77";
  private static long clusterId;
  private static String operator;
  private static String viewer;

  /**
   * A MySQL source with {@code extra} secret JDBC properties, and an emoji, so that code points and
   * chars differ.
   */
  static String yaml(int extra, String password) {
    StringBuilder sb =
        new StringBuilder(
            "# orders \uD83D\uDE80 from MySQL\nsource:\n  type: mysql\n  hostname: db.internal\n"
                + "  username: cdc\n  password: "
                + password
                + "\n  tables: app.orders\n");
    for (int i = 0; i < extra; i++) {
      sb.append("  jdbc.properties.a")
          .append(i)
          .append(".password: ")
          .append(password)
          .append('\n');
    }
    return sb.append("sink:\n  type: values\npipeline:\n  parallelism: 1\n").toString();
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
                    .put("name", "docs")
                    .put("restUrl", "http://127.0.0.1:" + port)
                    .put("cdc", new JsonObject().put("version", "3.2.0")))
            .json()
            .getLong("id");
    operator = console.userToken("docs-operator", "operator");
    viewer = console.userToken("docs-viewer", "viewer");
  }

  @Test
  void yamlWorkOnAnEventLoopIsRefusedAndTheDocumentsClassMovesItToAWorker() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      SecretFields fields = new SecretFields(ConnectorCatalog.builtIn());
      PipelineDocuments documents =
          new PipelineDocuments(
              vertx,
              fields,
              new PipelineYamlValidator(ConnectorCatalog.builtIn()),
              new SecretCipher("a-test-master-key-of-some-length"));
      Promise<Object> onLoop = Promise.promise();
      Promise<String> throughDocuments = Promise.promise();
      vertx.runOnContext(
          v -> {
            try {
              onLoop.complete(fields.mask(yaml(2, SECRET)));
            } catch (RuntimeException e) {
              onLoop.complete(e);
            }
            documents.masked(yaml(2, SECRET)).onComplete(throughDocuments);
          });
      Object direct = TestConsole.await(onLoop.future());
      assertInstanceOf(
          IllegalStateException.class,
          direct,
          "masking on an event loop must be refused: " + direct);
      String masked = TestConsole.await(throughDocuments.future());
      assertFalse(masked.contains(SECRET), masked);
      assertEquals(3, masked.split("\\*\\*\\*\\*\\*\\*", -1).length - 1, masked);
    } finally {
      TestConsole.await(vertx.close());
    }
  }

  /**
   * Every route that reads, writes or compares YAML, on the real console: PipelineYaml refuses to
   * compose on an event loop, so a route that still did its YAML work there would answer 500 here.
   */
  @Test
  void everyYamlRouteAnswersFromAWorker() {
    String yaml = yaml(40, SECRET);
    Http.Response created =
        http.post(
            "/api/v1/pipelines",
            operator,
            new JsonObject().put("name", "many").put("clusterId", clusterId).put("yaml", yaml));
    assertEquals(201, created.status(), created.body());
    long id = created.json().getLong("id");
    String masked = created.json().getString("yaml");
    assertTrue(
        masked.contains("\uD83D\uDE80")
            && masked.contains("jdbc.properties.a39.password: \"******\""),
        masked);
    assertEquals(masked, http.get("/api/v1/pipelines/" + id, viewer).json().getString("yaml"));

    Http.Response updated =
        http.put(
            "/api/v1/pipelines/" + id,
            operator,
            new JsonObject().put("yaml", masked.replace("parallelism: 1", "parallelism: 2")),
            "\"1\"");
    assertEquals(200, updated.status(), updated.body());
    assertEquals(
        masked,
        http.get("/api/v1/pipelines/" + id + "/versions/1", viewer).json().getString("yaml"));
    String diff =
        http.get("/api/v1/pipelines/" + id + "/versions/1/diff/2", viewer).json().getString("diff");
    assertTrue(diff.contains("+  parallelism: 2"), diff);
    String export = http.get("/api/v1/pipelines/" + id + "/export", viewer).body();
    assertTrue(export.contains("password: \"******\"") && !export.contains(SECRET), export);
    Http.Response rolledBack =
        http.send(
            "POST",
            "/api/v1/pipelines/" + id + "/versions/1/rollback",
            operator,
            null,
            null,
            Map.of("If-Match", "\"2\""));
    assertEquals(200, rolledBack.status(), rolledBack.body());
    Http.Response revealed = http.post("/api/v1/pipelines/" + id + "/reveal", admin, null);
    assertEquals(200, revealed.status(), revealed.body());
    assertEquals(
        SECRET,
        revealed.json().getJsonObject("secrets").getString("source.jdbc.properties.a7.password"));
    Http.Response validated =
        http.post("/api/v1/pipelines/validate", viewer, new JsonObject().put("yaml", yaml));
    assertEquals(200, validated.status(), validated.body());
    assertTrue(validated.json().getBoolean("valid"), validated.body());
    Http.Response imported =
        http.send(
            "POST",
            "/api/v1/pipelines/import?name=many-copy&cluster=docs",
            operator,
            yaml,
            null,
            Map.of("Content-Type", "application/yaml"));
    assertEquals(201, imported.status(), imported.body());
  }

  @Test
  void tooManySecretOptionsAreRefused() {
    Http.Response tooMany =
        http.post(
            "/api/v1/pipelines/validate",
            viewer,
            new JsonObject().put("yaml", yaml(PipelineYamlValidator.MAX_SECRETS, SECRET)));
    assertEquals(200, tooMany.status(), tooMany.body());
    assertFalse(tooMany.json().getBoolean("valid"));
    assertTrue(tooMany.body().contains("too many secret options"), tooMany.body());
    Http.Response saved =
        http.post(
            "/api/v1/pipelines",
            operator,
            new JsonObject()
                .put("name", "too-many")
                .put("clusterId", clusterId)
                .put("yaml", yaml(PipelineYamlValidator.MAX_SECRETS, SECRET)));
    assertEquals(400, saved.status(), saved.body());
  }

  /**
   * L1: the plaintext fits the limit, the encrypted form would not; the save is refused before it
   * is stored.
   */
  @Test
  void aDefinitionWhoseEncryptedFormExceedsTheLimitIsRefusedNotStored() {
    String longSecret = "S".repeat(1500);
    String yaml = yaml(150, longSecret);
    assertTrue(
        yaml.length() < PipelineService.MAX_YAML_BYTES, "the plaintext fits: " + yaml.length());
    Http.Response refused =
        http.post(
            "/api/v1/pipelines",
            operator,
            new JsonObject().put("name", "oversize").put("clusterId", clusterId).put("yaml", yaml));
    assertEquals(400, refused.status(), refused.body());
    assertTrue(refused.body().contains("encrypted"), refused.body());
    assertFalse(refused.body().contains(longSecret));
    assertEquals(404, http.get("/api/v1/pipelines/oversize", viewer).status());
  }

  /** L2: a recursive alias, on the dry run (JSON and raw YAML) and on a save. */
  @Test
  void aRecursiveAliasIsAnErrorOnEveryRoute() {
    String recursive =
        "source:\n  type: values\nsink:\n  type: values\npipeline:\n  extra: &a [*a]\n";
    Http.Response json =
        http.post("/api/v1/pipelines/validate", viewer, new JsonObject().put("yaml", "a: &a [*a]"));
    assertEquals(200, json.status(), json.body());
    assertFalse(json.json().getBoolean("valid"), json.body());
    Http.Response raw =
        http.send(
            "POST",
            "/api/v1/pipelines/validate",
            viewer,
            recursive,
            null,
            Map.of("Content-Type", "application/yaml"));
    assertEquals(200, raw.status(), raw.body());
    assertTrue(raw.body().contains("contains it"), raw.body());
    Http.Response saved =
        http.post(
            "/api/v1/pipelines",
            operator,
            new JsonObject()
                .put("name", "recursive")
                .put("clusterId", clusterId)
                .put("yaml", recursive));
    assertEquals(400, saved.status(), saved.body());
    assertTrue(saved.body().contains("contains it"), saved.body());
    Http.Response imported =
        http.send(
            "POST",
            "/api/v1/pipelines/import?name=recursive&cluster=docs",
            operator,
            "a: &a [*a]\n",
            null,
            Map.of("Content-Type", "application/yaml"));
    assertEquals(400, imported.status(), imported.body());
  }
}
