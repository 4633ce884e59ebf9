package io.cdcconsole.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.Http;
import io.cdcconsole.test.OpenApiContract;
import io.cdcconsole.test.TestConsole;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.openapi.contract.OpenAPIVersion;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document and the server agree: the same routes, served as JSON without signing in,
 * browsable at /api/docs. (That every answer matches its operation's schema is checked on every
 * call of the test client.)
 */
class OpenApiContractTest extends ConsoleTest {
  private final OpenApiContract contract = OpenApiContract.get();

  @Test
  void everyRouteIsDocumentedAndNothingElse() {
    Set<String> served = new TreeSet<>(console.app().apiRoutes());
    Set<String> documented = new TreeSet<>(contract.operations());
    Set<String> undocumented = new TreeSet<>(served);
    undocumented.removeAll(documented);
    Set<String> notServed = new TreeSet<>(documented);
    notServed.removeAll(served);
    assertTrue(
        undocumented.isEmpty() && notServed.isEmpty(),
        "served but not in openapi.yaml: "
            + undocumented
            + "; in openapi.yaml but not served: "
            + notServed);
    assertTrue(served.contains("GET /pipelines/{id}"), served.toString());
  }

  @Test
  void theDocumentIsValidOpenApi31() throws Exception {
    // validated against the OpenAPI 3.1 schema that Vert.x's OpenAPI module ships, then every $ref
    // resolved (its
    // router, which serves only some media types, is not used)
    JsonObject document = new JsonObject(contract.document().toString());
    Vertx vertx = console.app().vertx();
    OpenAPIVersion version = OpenAPIVersion.fromContract(document);
    assertEquals(OpenAPIVersion.V3_1, version);
    SchemaRepository repository = TestConsole.await(version.getRepository(vertx, "app:///"));
    OutputUnit result = TestConsole.await(version.validateContract(vertx, repository, document));
    assertTrue(result.getValid(), () -> "not valid OpenAPI 3.1: " + result.getErrors());
    JsonObject broken = document.copy();
    broken.getJsonObject("info").remove("title");
    assertFalse(
        TestConsole.await(version.validateContract(vertx, repository, broken)).getValid(),
        "info.title is required");
    JsonObject resolved = TestConsole.await(version.resolve(vertx, repository, document));
    assertEquals(contract.operations().size(), countOperations(resolved));
  }

  private static long countOperations(JsonObject document) {
    // the resolver marks resolved objects with members of its own, hence the filter
    return document.getJsonObject("paths").stream()
        .filter(path -> path.getValue() instanceof JsonObject)
        .flatMap(path -> ((JsonObject) path.getValue()).fieldNames().stream())
        .filter(method -> List.of("get", "post", "put", "patch", "delete").contains(method))
        .count();
  }

  @Test
  void operationsHaveUniqueCamelCaseIds() {
    List<String> ids = new ArrayList<>();
    contract
        .document()
        .get("paths")
        .forEach(
            path ->
                path.fields()
                    .forEachRemaining(
                        op -> {
                          if (op.getValue().has("responses")) {
                            ids.add(op.getValue().path("operationId").asText(""));
                          }
                        }));
    ids.forEach(
        id ->
            assertTrue(
                id.matches("[a-z][a-zA-Z0-9]*"), "operationId '" + id + "' is not camelCase"));
    assertEquals(ids.size(), new HashSet<>(ids).size(), "operationIds repeat: " + ids);
  }

  @Test
  void everyComponentSchemaCompilesAndEveryReferenceResolves() {
    JsonNode schemas = contract.document().path("components").path("schemas");
    schemas.fieldNames().forEachRemaining(name -> contract.validateComponent(name, "{}"));
    contract
        .document()
        .findValues("$ref")
        .forEach(
            ref ->
                assertFalse(
                    contract.document().at(ref.asText().substring(1)).isMissingNode(),
                    "dangling $ref " + ref.asText()));
  }

  @Test
  void theDocumentIsServedAsJsonWithoutSigningIn() {
    Http.Response r = http.get("/api/v1/openapi.json", null);
    assertEquals(200, r.status());
    assertTrue(r.contentType().startsWith("application/json"), r.contentType());
    JsonObject served = r.json();
    assertEquals("3.1.0", served.getString("openapi"));
    assertEquals(new JsonObject(contract.document().toString()), served);
  }

  @Test
  void requestsThatArriveTogetherGetTheSameDocument() {
    // the document is converted on the first request, not at start-up: requests that arrive while
    // it is being converted wait for that one conversion
    List<Http.Response> answers =
        IntStream.range(0, 8)
            .parallel()
            .mapToObj(i -> http.get("/api/v1/openapi.json", null))
            .toList();
    answers.forEach(r -> assertEquals(200, r.status(), r.body()));
    assertEquals(1, answers.stream().map(Http.Response::body).distinct().count());
  }

  @Test
  void theCheckerRejectsAnswersThatDoNotMatch() {
    // a pipeline without its name, and a problem without its status: the test client would fail a
    // test on either
    assertFalse(
        contract.validateComponent("Pipeline", new JsonObject().put("id", 1).encode()).isEmpty());
    assertFalse(
        contract
            .validateComponent("Problem", new JsonObject().put("title", "Bad").encode())
            .isEmpty());
    // composed schemas (allOf) still refuse members they do not describe
    JsonObject page =
        new JsonObject()
            .put("items", new JsonArray())
            .put("total", 0)
            .put("limit", 50)
            .put("offset", 0);
    assertTrue(contract.validateComponent("PipelinePage", page.encode()).isEmpty());
    assertFalse(
        contract.validateComponent("PipelinePage", page.copy().put("extra", 1).encode()).isEmpty());
    AssertionError error =
        assertThrows(
            AssertionError.class,
            () ->
                contract.check(
                    "GET",
                    "/api/v1/clusters",
                    200,
                    "application/json",
                    new JsonObject().put("items", "none").encode()));
    assertTrue(
        error.getMessage().contains("GET /api/v1/clusters answered 200"), error.getMessage());
    assertThrows(
        AssertionError.class,
        () -> contract.check("GET", "/api/v1/not-documented", 200, "application/json", "{}"));
    assertThrows(
        AssertionError.class,
        () -> contract.checkEvent("run.state", new JsonObject().put("runId", "x").encode()));
    assertThrows(AssertionError.class, () -> contract.checkEvent("no.such.event", "{}"));
  }

  @Test
  void theReferenceIsServedBySwaggerUi() {
    Http.Response redirect = http.get("/api/docs", null);
    assertEquals(302, redirect.status());
    Http.Response page = http.get("/api/docs/", null);
    assertEquals(200, page.status());
    assertTrue(page.contentType().startsWith("text/html"), page.contentType());
    assertTrue(page.body().contains("swagger-ui-bundle.js"), page.body());
    Http.Response init = http.get("/api/docs/swagger-initializer.js", null);
    assertEquals(200, init.status());
    assertTrue(init.body().contains("'/api/v1/openapi.json'"), init.body());
    assertEquals(200, http.get("/api/docs/swagger-ui-bundle.js", null).status());
    assertEquals(404, http.get("/api/docs/no-such-file.js", null).status());
  }
}
