package io.cdcconsole.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The connector catalogue and the pipeline templates as the console's editor gets them. */
class ConnectorTemplatesTest extends ConsoleTest {
  private static final Pattern PLACEHOLDER = Pattern.compile("<[a-z-]+>");

  @Test
  void theCatalogueListsEachConnectorWithItsRequiredAndSecretOptions() {
    String viewer = console.userToken("catalogue-reader", "viewer");
    Http.Response r = http.get("/api/v1/connectors", viewer);
    assertEquals(200, r.status(), r.body());
    JsonObject mysql = find(r.items(), "type", "mysql", "kind", "source");
    assertEquals(
        new JsonArray(List.of("hostname", "username", "password", "tables")),
        mysql.getJsonArray("required"));
    assertTrue(mysql.getJsonArray("secret").contains("password"));
    assertEquals("3.0.0", mysql.getString("since"));
    JsonObject kafka = find(r.items(), "type", "kafka", "kind", "sink");
    assertTrue(kafka.getJsonArray("secret").contains("properties.sasl.jaas.config"));
    assertTrue(r.json().getJsonArray("secretKeyPatterns").contains("*password"));
    assertEquals(
        r.items().size(), r.json().getLong("total"), "the whole catalogue on the first page");
    Http.Response second = http.get("/api/v1/connectors?limit=2&offset=2", viewer);
    assertEquals(r.items().getJsonObject(2), second.items().getJsonObject(0));
    assertEquals(2, second.items().size());
    for (Object o : r.items()) {
      JsonObject c = (JsonObject) o;
      assertTrue(List.of("source", "sink").contains(c.getString("kind")), c.encode());
    }
    assertEquals(401, http.get("/api/v1/connectors", null).status());
  }

  @Test
  void everyTemplateValidatesApartFromItsPlaceholdersAndSavesOnceTheyAreFilled() {
    String operator = console.userToken("template-user", "operator");
    Http.Response r = http.get("/api/v1/templates", operator);
    assertEquals(200, r.status(), r.body());
    List<String> ids = new ArrayList<>();
    r.items().forEach(t -> ids.add(((JsonObject) t).getString("id")));
    assertTrue(
        ids.containsAll(
            List.of(
                "mysql-doris", "mysql-starrocks", "mysql-kafka", "mysql-paimon", "values-values")),
        ids.toString());
    Http.Response cluster =
        http.post(
            "/api/v1/clusters",
            admin,
            new JsonObject()
                .put("name", "templates")
                .put("restUrl", "http://127.0.0.1:9")
                .put("cdc", new JsonObject().put("mode", "provided").put("version", "3.2.0")));
    assertEquals(201, cluster.status(), cluster.body());

    for (Object o : r.items()) {
      JsonObject template = (JsonObject) o;
      String yaml = template.getString("yaml");
      assertTrue(yaml.contains("type: " + template.getString("source")), yaml);
      assertFalse(yaml.contains("password: <"), "a secret is never a plain placeholder: " + yaml);
      Http.Response checked =
          http.post(
              "/api/v1/pipelines/validate",
              operator,
              new JsonObject().put("yaml", yaml).put("cluster", "templates"));
      assertEquals(200, checked.status(), checked.body());
      assertEquals(
          new JsonArray(),
          checked.json().getJsonArray("errors"),
          template.getString("id") + ": " + checked.body());
      if (template.getString("id").equals("values-values")) {
        assertEquals(new JsonArray(), checked.json().getJsonArray("warnings"), checked.body());
        assertFalse(PLACEHOLDER.matcher(yaml).find(), yaml);
      }

      // filled in, with its named secrets created, it is saved as a pipeline
      String filled =
          PLACEHOLDER.matcher(yaml).replaceAll(m -> "x" + m.group().replaceAll("[<>]", ""));
      Matcher refs = Pattern.compile("\\$\\{secret:([A-Za-z0-9_.-]+)}").matcher(yaml);
      while (refs.find()) {
        String path = "/api/v1/secrets/" + refs.group(1);
        JsonObject value = new JsonObject().put("value", "S3cret-" + refs.group(1));
        // created by an earlier template: replaced with the version read
        Http.Response secret =
            http.get(path, admin).status() == 404
                ? http.put(path, admin, value)
                : http.put(path, admin, value, http.etag(path, admin));
        assertTrue(secret.status() == 201 || secret.status() == 200, secret.body());
      }
      Http.Response saved =
          http.post(
              "/api/v1/pipelines",
              operator,
              new JsonObject()
                  .put("name", "from-" + template.getString("id"))
                  .put("clusterId", cluster.json().getLong("id"))
                  .put("yaml", filled));
      assertEquals(
          201, saved.status(), template.getString("id") + ": " + saved.body() + "\n" + filled);
    }
  }

  private static JsonObject find(JsonArray items, String k1, String v1, String k2, String v2) {
    for (Object o : items) {
      JsonObject item = (JsonObject) o;
      if (v1.equals(item.getString(k1)) && v2.equals(item.getString(k2))) {
        return item;
      }
    }
    throw new AssertionError(Map.of(k1, v1, k2, v2) + " not in " + items.encode());
  }
}
