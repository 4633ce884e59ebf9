package io.cdcconsole.cluster;

import static io.cdcconsole.test.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.Http;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * A URL is shown to every viewer and audited, so credentials in it (security review M7) are
 * refused: a cluster's {@code restUrl} and a DolphinScheduler connection's {@code url}, both on
 * create and update.
 */
class CredentialsInUrlTest extends ConsoleTest {
  private static final String PASSWORD = "Url-Embedded-Pw-44";

  @Test
  void userinfoInAClusterOrDsUrlIsA400AndIsNeitherStoredNorAudited() throws Exception {
    Http.Response cluster =
        http.post("/api/v1/clusters", admin, cluster("http://user:" + PASSWORD + "@127.0.0.1:2"));
    assertEquals(400, cluster.status(), cluster.body());
    assertEquals(
        "restUrl", cluster.json().getJsonArray("errors").getJsonObject(0).getString("path"));
    assertTrue(
        cluster.json().getString("detail").contains("auth"),
        "says where credentials go: " + cluster.body());
    assertFalse(cluster.body().contains(PASSWORD));
    assertEquals(
        400,
        http.post("/api/v1/clusters", admin, cluster("http://token-only@127.0.0.1:2")).status());

    Http.Response fine = http.post("/api/v1/clusters", admin, cluster("http://127.0.0.1:2"));
    assertEquals(201, fine.status(), fine.body());
    Http.Response update =
        http.put(
            "/api/v1/clusters/" + fine.json().getLong("id"),
            admin,
            cluster("https://user:" + PASSWORD + "@127.0.0.1:2"),
            fine.header("ETag"));
    assertEquals(400, update.status(), update.body());

    for (String method : new String[] {"POST", "PUT"}) {
      String path =
          method.equals("POST") ? "/api/v1/ds-connections" : "/api/v1/ds-connections/ds-one";
      Http.Response ds =
          http.send(
              method,
              path,
              admin,
              new JsonObject()
                  .put("name", "ds-one")
                  .put("url", "http://admin:" + PASSWORD + "@127.0.0.1:12345")
                  .put("version", "3.3")
                  .put("token", "t-1")
                  .encode(),
              null);
      assertEquals(400, ds.status(), method + " " + ds.body());
      assertEquals("url", ds.json().getJsonArray("errors").getJsonObject(0).getString("path"));
    }

    JsonObject audit =
        eventually(
            () -> http.get("/api/v1/audit?limit=500", admin).json(),
            page -> page.getLong("total") >= 7);
    assertFalse(
        audit.encode().contains(PASSWORD), "no audit row keeps the password: " + audit.encode());
    assertFalse(http.get("/api/v1/clusters", admin).body().contains(PASSWORD));
  }

  private static JsonObject cluster(String restUrl) {
    return new JsonObject()
        .put("name", "c-url")
        .put("restUrl", restUrl)
        .put("cdc", new JsonObject().put("mode", "provided").put("version", "3.2.0"));
  }
}
