package io.cdcconsole.ds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Security review L5: to a token scoped to some pipelines, every other pipeline looks exactly like
 * one that does not exist (same status, same text but for the identifier asked for), by name and by
 * id, so the token cannot enumerate pipelines or learn the name behind an id.
 */
class ScopedTokenEnumerationTest extends ConsoleTest {

  private static long pipeline(long cluster, String name) {
    return valuesPipeline(name, cluster);
  }

  private static Http.Response status(String token, String pipeline) {
    return http.send(
        "GET", "/api/v1/ds/status?pipeline=" + pipeline, null, null, null, Map.of("token", token));
  }

  @Test
  void aPipelineOutsideTheScopeLooksAbsent() {
    long cluster =
        http.post(
                "/api/v1/clusters",
                admin,
                new JsonObject()
                    .put("name", "c-scope")
                    .put("restUrl", "http://127.0.0.1:1")
                    .put("cdc", new JsonObject().put("mode", "provided").put("version", "3.2.0")))
            .json()
            .getLong("id");
    pipeline(cluster, "p-in");
    long secretId = pipeline(cluster, "p-hidden-name");
    String scoped =
        http.post(
                "/api/v1/tokens",
                admin,
                new JsonObject()
                    .put("name", "dolphin")
                    .put("role", "operator")
                    .put("scope", new JsonObject().put("pipelines", new JsonArray().add("p-in"))))
            .json()
            .getString("token");

    assertEquals(200, status(scoped, "p-in").status());
    Http.Response outByName = status(scoped, "p-hidden-name");
    Http.Response absentByName = status(scoped, "p-absent-name");
    assertEquals(404, outByName.status(), outByName.body());
    assertEquals(absentByName.status(), outByName.status());
    assertEquals(
        sameAnswer(absentByName).replace("p-absent-name", "p-hidden-name"), sameAnswer(outByName));

    Http.Response outById = status(scoped, Long.toString(secretId));
    Http.Response absentById = status(scoped, "987654");
    assertEquals(404, outById.status(), outById.body());
    assertEquals(
        sameAnswer(absentById).replace("987654", Long.toString(secretId)), sameAnswer(outById));
    assertFalse(outById.body().contains("p-hidden-name"), outById.body());
  }

  /** The answer without its request id, which differs from request to request by design. */
  private static String sameAnswer(Http.Response response) {
    JsonObject body = response.json().copy();
    body.remove("requestId");
    return body.encode();
  }
}
