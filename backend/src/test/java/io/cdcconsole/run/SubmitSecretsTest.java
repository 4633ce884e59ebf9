package io.cdcconsole.run;

import static io.cdcconsole.test.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.Http;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A YAML tag on a secret (security review H1): refused when saved, and a submission never
 * constructs typed values from secrets, so no library error can quote one into lastError, the log
 * or the database.
 */
class SubmitSecretsTest extends ConsoleTest {
  private static final String PASSWORD = "Plain-Leak-Check-99";

  private static String yaml(String password) {
    return """
        source:
          type: mysql
          hostname: 127.0.0.1
          port: 3306
          username: cdc
          password: %s
          tables: app.orders
        sink:
          type: values
        pipeline:
          parallelism: 1
        """
        .formatted(password);
  }

  @Test
  void aTagOnAMaskedSecretIsRefusedAndTheStoredSecretStaysOut() throws Exception {
    long cluster =
        http.post(
                "/api/v1/clusters",
                admin,
                new JsonObject()
                    .put("name", "nowhere")
                    .put("restUrl", "http://127.0.0.1:1")
                    .put("cdc", new JsonObject().put("mode", "provided").put("version", "3.2.0")))
            .json()
            .getLong("id");
    String operator = console.userToken("tagger", "operator");
    Http.Response created =
        http.post(
            "/api/v1/pipelines",
            operator,
            new JsonObject()
                .put("name", "p-in")
                .put("clusterId", cluster)
                .put("yaml", yaml(PASSWORD)));
    assertEquals(201, created.status(), created.body());

    Http.Response tagged =
        http.put(
            "/api/v1/pipelines/p-in",
            operator,
            new JsonObject().put("yaml", yaml("!!timestamp \"******\"")),
            "\"1\"");
    assertEquals(400, tagged.status(), tagged.body());
    assertTrue(tagged.body().contains("tags are not allowed"), tagged.body());
    assertFalse(tagged.body().contains(PASSWORD), tagged.body());
    for (String tag :
        new String[] {"!!float ${secret:none}", "!custom \"******\"", "!!str \"******\""}) {
      Http.Response refused =
          http.put(
              "/api/v1/pipelines/p-in", operator, new JsonObject().put("yaml", yaml(tag)), "\"1\"");
      assertEquals(400, refused.status(), tag + ": " + refused.body());
    }

    // the untagged pipeline is submitted (no Flink answers there: the run keeps the error and waits
    // for the
    // cluster) without its password in any answer
    Http.Response run = http.post("/api/v1/pipelines/p-in/runs", operator, new JsonObject());
    assertEquals(202, run.status(), run.body());
    JsonObject failed =
        eventually(
            () -> http.get(run.header("Location"), operator).json(),
            r -> r.getString("lastError") != null);
    assertFalse(failed.encode().contains(PASSWORD), failed.encode());
  }

  @Test
  void theSubmittedYamlTakesEveryScalarAsTextWhateverItsTag() {
    Map<String, Object> doc =
        SubmitYaml.load(
            """
        source:
          type: mysql
          password: !!timestamp "Plain-Leak-Check-99"
          port: 03306
          other: !!float Named-Secret-Val-88
          flag: True
          empty:
        """);
    @SuppressWarnings("unchecked")
    Map<String, Object> source = (Map<String, Object>) doc.get("source");
    assertEquals("Plain-Leak-Check-99", source.get("password"));
    assertEquals("Named-Secret-Val-88", source.get("other"));
    assertEquals("03306", source.get("port"));
    assertEquals("True", source.get("flag"));
    assertEquals(null, source.get("empty"));
  }

  @Test
  void theScrubberMasksEverySecretLongestFirst() {
    assertEquals(
        "x ****** y ****** z",
        Scrubber.scrub(
            "x Plain-Leak-Check-99 y abc-def z",
            Set.of("Plain-Leak", "Plain-Leak-Check-99", "abc-def")));
    assertEquals(
        "ab", Scrubber.scrub("ab", Set.of("ab")), "too short to mask without masking everything");
  }

  @Test
  void theScrubberMasksTheUrlEncodedAndJsonEscapedFormsToo() {
    String secret = "p@ss w\"rd/\\1";
    String text =
        "jdbc:mysql://cdc:p%40ss+w%22rd%2F%5C1@db/x; jdbc:x://u:p%40ss%20w%22rd%2F%5C1@h;"
            + " {\"password\":\"p@ss w\\\"rd/\\\\1\"} plain p@ss w\"rd/\\1";
    String scrubbed = Scrubber.scrub(text, Set.of(secret));
    assertEquals(
        "jdbc:mysql://cdc:******@db/x; jdbc:x://u:******@h; {\"password\":\"******\"} plain ******",
        scrubbed);
    assertEquals("p@ss w\\\"rd/\\\\1", Scrubber.jsonEscaped(secret));
  }
}
