package io.cdcconsole.launcher;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonParser;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonProcessingException;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonToken;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ArrayNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.apache.flink.shaded.jackson2.org.yaml.snakeyaml.error.Mark;
import org.apache.flink.shaded.jackson2.org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * The pipeline YAML, read into a tree and made digestible for Flink CDC's parser.
 *
 * <p>Flink CDC 3.2's {@code YamlPipelineDefinitionParser} converts {@code source}, {@code sink} and
 * {@code pipeline} to flat {@code Map<String, String>}s, so a nested mapping such as {@code
 * properties: {bootstrap.servers: x}} fails there. This class flattens nested mappings under those
 * three sections, and inside the entries of {@code route} and {@code transform}, into dotted keys
 * ({@code properties.bootstrap.servers: x}). Lists stay lists (e.g. {@code
 * sink.include.schema.changes}, {@code pipeline.user-defined-function}, {@code route}, {@code
 * transform}).
 *
 * <p>Scalars keep the exact text written in the YAML (quoted or not): {@code port: 03306}, {@code
 * password: 1e5} or {@code flag: True} reach the connector as {@code "03306"}, {@code "1e5"},
 * {@code "True"} instead of being turned into numbers or booleans and back. A key given twice
 * (directly or by flattening) is an error. A missing or empty {@code pipeline} section becomes an
 * empty mapping (Flink CDC 3.2's parser needs one). The text handed to Flink CDC ({@link
 * #toText()}) is the flattened tree written as JSON, which is YAML too.
 *
 * <p>Errors name the problem and where it is (line and column, key names) but never a value.
 */
final class PipelineYaml {

  /** Top-level sections whose mapping Flink CDC reads as a flat string map. */
  static final Set<String> FLAT_SECTIONS = Set.of("source", "sink", "pipeline");

  /** Top-level sections that are lists of mappings. */
  static final Set<String> LIST_SECTIONS = Set.of("route", "transform");

  /** Keys under {@code pipeline} that Flink CDC reads as structures, never flattened. */
  static final Set<String> STRUCTURED_PIPELINE_KEYS = Set.of("user-defined-function", "model");

  /** Option keys whose values are masked in error messages. */
  static final Pattern SECRET_KEY =
      Pattern.compile(
          "password|passwd|pwd|secret|token|credential|passphrase|private|jaas|(access|api)[._-]?key|(^|[._-])key$",
          Pattern.CASE_INSENSITIVE);

  /** Shorter secret values are not masked: masking them would garble the messages. */
  static final int MIN_MASKED_LENGTH = 4;

  private static final YAMLFactory YAML = new YAMLFactory();
  private static final ObjectMapper JSON = new ObjectMapper();

  static {
    YAML.disable(JsonParser.Feature.INCLUDE_SOURCE_IN_LOCATION);
  }

  private final ObjectNode root;
  private final Set<String> secretValues;

  private PipelineYaml(ObjectNode root, Set<String> secretValues) {
    this.root = root;
    this.secretValues = secretValues;
  }

  /** Reads and flattens the pipeline YAML. */
  static PipelineYaml read(String yaml) throws PipelineLaunchException {
    JsonNode tree = readTree(yaml);
    if (tree == null || tree.isNull() || tree.isMissingNode()) {
      throw new PipelineLaunchException("The pipeline YAML is empty");
    }
    if (!tree.isObject()) {
      throw new PipelineLaunchException(
          "The pipeline YAML must be a mapping (with source, sink, pipeline, ...), not a "
              + kind(tree));
    }
    ObjectNode flat = flatten((ObjectNode) tree);
    Set<String> secrets = new LinkedHashSet<>();
    collectSecrets(flat, secrets);
    return new PipelineYaml(flat, secrets);
  }

  /** The flattened pipeline as text for Flink CDC's parser (JSON, a subset of YAML). */
  String toText() {
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Could not write the flattened pipeline", e);
    }
  }

  /** The flattened tree (scalars are text nodes). */
  ObjectNode tree() {
    return root;
  }

  /**
   * Values (at least {@value #MIN_MASKED_LENGTH} characters) of options whose key looks like a
   * secret ({@link #SECRET_KEY}), anywhere in the pipeline.
   */
  Set<String> secretValues() {
    return secretValues;
  }

  // ---------------------------------------------------------------- reading

  private static JsonNode readTree(String yaml) throws PipelineLaunchException {
    try (JsonParser parser = YAML.createParser(yaml)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        return null;
      }
      return readValue(parser, "");
    } catch (PipelineLaunchException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw syntaxError(e);
    }
  }

  /** Reads the value at the current token; scalars become text nodes with their text as written. */
  private static JsonNode readValue(JsonParser parser, String path)
      throws IOException, PipelineLaunchException {
    JsonToken token = parser.currentToken();
    switch (token) {
      case START_OBJECT:
        {
          ObjectNode object = JsonNodeFactory.instance.objectNode();
          while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.getCurrentName();
            String childPath = path.isEmpty() ? name : path + "." + name;
            parser.nextToken();
            JsonNode value = readValue(parser, childPath);
            if (object.has(name)) {
              throw new PipelineLaunchException(
                  "Duplicate key '" + childPath + "' in the pipeline YAML");
            }
            object.set(name, value);
          }
          return object;
        }
      case START_ARRAY:
        {
          ArrayNode array = JsonNodeFactory.instance.arrayNode();
          int index = 0;
          while (parser.nextToken() != JsonToken.END_ARRAY) {
            array.add(readValue(parser, path + "[" + index++ + "]"));
          }
          return array;
        }
      case VALUE_NULL:
        return JsonNodeFactory.instance.nullNode();
      case VALUE_STRING:
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
      case VALUE_TRUE:
      case VALUE_FALSE:
        // the scalar's text as written (YAMLParser keeps it for numbers and booleans too)
        return JsonNodeFactory.instance.textNode(parser.getText());
      default:
        throw new PipelineLaunchException(
            "Unsupported YAML value"
                + (path.isEmpty() ? "" : " at '" + path + "'")
                + " ("
                + token
                + ")");
    }
  }

  /** Line, column and the kind of problem; never the offending text (it may hold a secret). */
  private static PipelineLaunchException syntaxError(Exception e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof MarkedYAMLException) {
        MarkedYAMLException marked = (MarkedYAMLException) c;
        Mark mark =
            marked.getProblemMark() != null ? marked.getProblemMark() : marked.getContextMark();
        String where =
            mark == null
                ? ""
                : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
        String problem = marked.getProblem() == null ? "" : ": " + marked.getProblem();
        return new PipelineLaunchException("The pipeline is not valid YAML" + where + problem);
      }
    }
    if (e instanceof JsonProcessingException
        && ((JsonProcessingException) e).getLocation() != null) {
      var location = ((JsonProcessingException) e).getLocation();
      return new PipelineLaunchException(
          "The pipeline is not valid YAML at line "
              + location.getLineNr()
              + ", column "
              + location.getColumnNr());
    }
    return new PipelineLaunchException(
        "The pipeline is not valid YAML (" + e.getClass().getSimpleName() + ")");
  }

  // ---------------------------------------------------------------- flattening

  private static ObjectNode flatten(ObjectNode tree) throws PipelineLaunchException {
    ObjectNode result = JsonNodeFactory.instance.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = tree.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> section = it.next();
      String name = section.getKey();
      JsonNode value = section.getValue();
      if (FLAT_SECTIONS.contains(name) && value.isObject()) {
        Set<String> keep = name.equals("pipeline") ? STRUCTURED_PIPELINE_KEYS : Set.of();
        result.set(name, flattenMapping((ObjectNode) value, name, keep));
      } else if (LIST_SECTIONS.contains(name) && value.isArray()) {
        ArrayNode entries = JsonNodeFactory.instance.arrayNode();
        int index = 0;
        for (JsonNode entry : value) {
          String entryPath = name + "[" + index++ + "]";
          entries.add(
              entry.isObject() ? flattenMapping((ObjectNode) entry, entryPath, Set.of()) : entry);
        }
        result.set(name, entries);
      } else {
        result.set(name, value);
      }
    }
    // Flink CDC 3.2's parser dereferences the pipeline section unchecked (NullPointerException
    // without it), though the section is optional: an empty one is the same as none.
    JsonNode pipeline = result.get("pipeline");
    if (pipeline == null || pipeline.isNull()) {
      result.set("pipeline", JsonNodeFactory.instance.objectNode());
    }
    return result;
  }

  private static ObjectNode flattenMapping(ObjectNode mapping, String path, Set<String> keep)
      throws PipelineLaunchException {
    ObjectNode flat = JsonNodeFactory.instance.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = mapping.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (keep.contains(e.getKey())) {
        put(flat, e.getKey(), e.getValue(), path);
      } else {
        flattenInto(flat, e.getKey(), e.getValue(), path);
      }
    }
    return flat;
  }

  private static void flattenInto(ObjectNode flat, String key, JsonNode value, String path)
      throws PipelineLaunchException {
    if (value.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        flattenInto(flat, key + "." + e.getKey(), e.getValue(), path);
      }
    } else {
      put(flat, key, value, path);
    }
  }

  private static void put(ObjectNode flat, String key, JsonNode value, String path)
      throws PipelineLaunchException {
    if (flat.has(key)) {
      throw new PipelineLaunchException(
          "Duplicate key '"
              + path
              + "."
              + key
              + "' in the pipeline YAML (after flattening nested mappings into dotted keys)");
    }
    flat.set(key, value);
  }

  // ---------------------------------------------------------------- secrets

  private static void collectSecrets(JsonNode node, Set<String> secrets) {
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode value = e.getValue();
        if (SECRET_KEY.matcher(e.getKey()).find()) {
          for (String text : scalars(value)) {
            if (text.length() >= MIN_MASKED_LENGTH) {
              secrets.add(text);
            }
          }
        }
        collectSecrets(value, secrets);
      }
    } else if (node.isArray()) {
      for (JsonNode element : node) {
        collectSecrets(element, secrets);
      }
    }
  }

  private static List<String> scalars(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node.isTextual()) {
      out.add(node.textValue());
    } else if (node.isContainerNode()) {
      for (JsonNode child : node) {
        out.addAll(scalars(child));
      }
    }
    return out;
  }

  private static String kind(JsonNode node) {
    if (node.isArray()) {
      return "list";
    }
    return "single value";
  }
}
