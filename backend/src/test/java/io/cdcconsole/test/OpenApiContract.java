package io.cdcconsole.test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.networknt.schema.InputFormat;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.cdcconsole.web.ApiRouter;
import io.cdcconsole.web.OpenApiDocument;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The OpenAPI document as the tests see it: which operations it lists, and whether an answer
 * matches the schema of its operation and status. {@link Http} checks every JSON answer from {@code
 * /api/v1} here, so a test that receives an answer the document does not describe fails, naming the
 * method, path, status and schema error.
 */
public final class OpenApiContract {
  private static final String DOCUMENT_URI = "https://cdc-console.invalid/openapi.json";
  private static final List<String> METHODS = List.of("get", "post", "put", "patch", "delete");
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final OpenApiContract INSTANCE = new OpenApiContract();

  private final JsonNode document;
  private final JsonSchemaFactory factory;
  private final Map<String, JsonSchema> schemas = new ConcurrentHashMap<>();

  private OpenApiContract() {
    try {
      String json = OpenApiDocument.read().encode();
      this.document = MAPPER.readTree(json);
      this.factory =
          JsonSchemaFactory.getInstance(
              SpecVersion.VersionFlag.V202012,
              builder ->
                  builder.schemaLoaders(loaders -> loaders.schemas(Map.of(DOCUMENT_URI, json))));
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the OpenAPI document: " + e.getMessage(), e);
    }
  }

  public static OpenApiContract get() {
    return INSTANCE;
  }

  public JsonNode document() {
    return document;
  }

  /** Every operation of the document, as {@code "GET /pipelines/{id}"}, sorted. */
  public List<String> operations() {
    List<String> out = new ArrayList<>();
    document
        .get("paths")
        .fields()
        .forEachRemaining(
            path ->
                METHODS.stream()
                    .filter(m -> path.getValue().has(m))
                    .forEach(m -> out.add(m.toUpperCase(Locale.ROOT) + " " + path.getKey())));
    return out.stream().sorted().toList();
  }

  /**
   * The schema errors of {@code body} against the named component schema ({@code Problem}, {@code
   * Pipeline}, ...).
   */
  public Set<ValidationMessage> validateComponent(String name, String body) {
    return schema(DOCUMENT_URI + "#/components/schemas/" + name).validate(body, InputFormat.JSON);
  }

  /**
   * Checks one answer to {@code method path} (the full path, query allowed) when it is a JSON or
   * problem+json body from the API; throws an {@link AssertionError} that says what does not match.
   */
  public void check(String method, String path, int status, String contentType, String body) {
    check(method, path, null, null, status, contentType, body);
  }

  /**
   * As {@link #check(String, String, int, String, String)}, and when the server accepted the
   * request (2xx), its JSON body must match the operation's request schema too: a document must not
   * require what the server does without.
   */
  public void check(
      String method,
      String path,
      String requestType,
      String requestBody,
      int status,
      String contentType,
      String body) {
    String bare = path.split("\\?", 2)[0];
    if (status >= 200
        && status < 300
        && requestBody != null
        && !requestBody.isBlank()
        && requestType != null
        && requestType.toLowerCase(Locale.ROOT).contains("json")
        && bare.startsWith(ApiRouter.PREFIX + "/")) {
      checkRequest(method, bare, requestBody);
    }
    String mediaType =
        contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (!bare.startsWith(ApiRouter.PREFIX + "/")
        || !mediaType.contains("json")
        || body == null
        || body.isEmpty()) {
      return;
    }
    String where = method + " " + bare + " answered " + status + " " + mediaType;
    Optional<JsonNode> operation = operation(method, bare.substring(ApiRouter.PREFIX.length()));
    Set<ValidationMessage> errors;
    if (operation.isEmpty()) {
      // unknown paths and methods get the catch-all problem answers; anything else is undocumented
      if (status < 400) {
        throw new AssertionError(where + ", but the OpenAPI document has no such operation");
      }
      errors = validateComponent("Problem", body);
    } else {
      JsonNode responses = operation.get().path("responses");
      JsonNode response =
          responses.has(Integer.toString(status))
              ? responses.get(Integer.toString(status))
              : responses.get("default");
      if (response == null) {
        throw new AssertionError(where + ", a status the OpenAPI document does not list for it");
      }
      response = resolve(response);
      JsonNode schema = response.path("content").path(mediaType).get("schema");
      if (schema == null) {
        throw new AssertionError(
            where
                + ", but the OpenAPI document gives no "
                + mediaType
                + " schema for "
                + status
                + " there");
      }
      errors = schemaOf(schema).validate(body, InputFormat.JSON);
    }
    if (!errors.isEmpty()) {
      throw new AssertionError(
          where
              + " that does not match the OpenAPI document: "
              + errors.stream().map(ValidationMessage::toString).collect(Collectors.joining("; "))
              + "\nbody: "
              + (body.length() > 2000 ? body.substring(0, 2000) + "..." : body));
    }
  }

  /**
   * Checks the data of one Server-Sent Event of {@code GET /events} against the schema its type has
   * in the document ({@code x-event-types} of the stream); an event type the document does not name
   * fails too.
   */
  public void checkEvent(String type, String data) {
    JsonNode schema =
        document
            .at("/paths/~1events/get/responses/200/content/text~1event-stream/x-event-types")
            .get(String.valueOf(type));
    if (schema == null) {
      throw new AssertionError(
          "GET /api/v1/events sent an event of type "
              + type
              + ", which the OpenAPI document does not list (x-event-types)");
    }
    Set<ValidationMessage> errors = schemaOf(schema).validate(data, InputFormat.JSON);
    if (!errors.isEmpty()) {
      throw new AssertionError(
          "GET /api/v1/events sent a "
              + type
              + " event that does not match the OpenAPI document: "
              + errors.stream().map(ValidationMessage::toString).collect(Collectors.joining("; "))
              + "\ndata: "
              + data);
    }
  }

  private void checkRequest(String method, String bare, String requestBody) {
    operation(method, bare.substring(ApiRouter.PREFIX.length()))
        .map(
            op ->
                resolve(op.path("requestBody"))
                    .path("content")
                    .path("application/json")
                    .get("schema"))
        .ifPresent(
            schema -> {
              Set<ValidationMessage> errors =
                  schemaOf(schema).validate(requestBody, InputFormat.JSON);
              if (!errors.isEmpty()) {
                throw new AssertionError(
                    method
                        + " "
                        + bare
                        + " accepted a request body that does not match the OpenAPI "
                        + "document: "
                        + errors.stream()
                            .map(ValidationMessage::toString)
                            .collect(Collectors.joining("; "))
                        + "\nrequest: "
                        + requestBody);
              }
            });
  }

  /**
   * The operation for a path below the prefix: literal segments win over parameters ({@code
   * /pipelines/validate}).
   */
  private Optional<JsonNode> operation(String method, String path) {
    String[] segments = path.split("/", -1);
    JsonNode best = null;
    int bestLiterals = -1;
    for (Iterator<Map.Entry<String, JsonNode>> it = document.get("paths").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      JsonNode op = entry.getValue().get(method.toLowerCase(Locale.ROOT));
      String[] template = entry.getKey().split("/", -1);
      if (op == null || template.length != segments.length) {
        continue;
      }
      int literals = 0;
      boolean matches = true;
      for (int i = 0; i < template.length && matches; i++) {
        if (template[i].startsWith("{") && template[i].endsWith("}")) {
          matches = !segments[i].isEmpty();
        } else {
          matches = template[i].equals(segments[i]);
          literals++;
        }
      }
      if (matches && literals > bestLiterals) {
        best = op;
        bestLiterals = literals;
      }
    }
    return Optional.ofNullable(best);
  }

  /** Follows a {@code $ref} to {@code #/components/...} in the document. */
  private JsonNode resolve(JsonNode node) {
    JsonNode ref = node.get("$ref");
    return ref == null ? node : resolve(document.at(ref.asText().substring(1)));
  }

  private JsonSchema schema(String location) {
    return schemas.computeIfAbsent(location, l -> factory.getSchema(SchemaLocation.of(l)));
  }

  /**
   * A response schema, inline or a reference, with its references made absolute so that they reach
   * the document.
   */
  private JsonSchema schemaOf(JsonNode schema) {
    JsonNode ref = schema.get("$ref");
    if (ref != null && schema.size() == 1) {
      return schema(DOCUMENT_URI + ref.asText());
    }
    JsonNode absolute = schema.deepCopy();
    absolutize(absolute);
    return factory.getSchema(absolute);
  }

  private static void absolutize(JsonNode node) {
    if (node instanceof ObjectNode object
        && object.get("$ref") instanceof TextNode ref
        && ref.asText().startsWith("#")) {
      object.put("$ref", DOCUMENT_URI + ref.asText());
    }
    node.forEach(OpenApiContract::absolutize);
  }
}
