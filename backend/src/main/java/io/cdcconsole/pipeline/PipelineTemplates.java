package io.cdcconsole.pipeline;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Ready-to-edit pipeline definitions for common source/sink pairs, built from the connector
 * catalogue: each required option with an obvious {@code <placeholder>} (or a working default),
 * each documented secret option as a {@code ${secret:NAME}} reference to a named secret. Built
 * once; immutable.
 */
public final class PipelineTemplates {
  /** The pairs offered, as source and sink type. */
  static final List<List<String>> PAIRS =
      List.of(
          List.of("mysql", "doris"),
          List.of("mysql", "starrocks"),
          List.of("mysql", "kafka"),
          List.of("mysql", "paimon"),
          List.of("values", "values"));

  /**
   * Placeholders that say what shape a value has, and options a pair needs in practice although the
   * factory does not require them (Kafka without bootstrap servers, Paimon's filesystem catalogue
   * without a warehouse).
   */
  private static final Map<String, String> HINTS =
      Map.of(
          "tables", "<database>.<table>",
          "fenodes", "<fe-host>:8030",
          "jdbc-url", "jdbc:mysql://<fe-host>:9030",
          "load-url", "<fe-host>:8030",
          "catalog.properties.metastore", "filesystem");

  private static final Map<String, Map<String, String>> EXTRA =
      Map.of(
          "sink:kafka", Map.of("properties.bootstrap.servers", "<broker-host>:9092"),
          "sink:paimon", Map.of("catalog.properties.warehouse", "<warehouse-path>"));

  private static final Pattern PLACEHOLDER = Pattern.compile("<[a-z-]+>");

  /** One template: {@code id} is "source-sink". */
  public record Template(String id, String source, String sink, String yaml) {
    public JsonObject toJson() {
      return new JsonObject()
          .put("id", id)
          .put("source", source)
          .put("sink", sink)
          .put("yaml", yaml);
    }
  }

  private final List<Template> templates;

  public PipelineTemplates(ConnectorCatalog catalog) {
    List<Template> out = new ArrayList<>();
    for (List<String> pair : PAIRS) {
      ConnectorCatalog.Connector source =
          catalog.find(ConnectorCatalog.Kind.SOURCE, pair.get(0)).orElseThrow();
      ConnectorCatalog.Connector sink =
          catalog.find(ConnectorCatalog.Kind.SINK, pair.get(1)).orElseThrow();
      String id = source.type() + "-" + sink.type();
      String body =
          section(source) + section(sink) + "pipeline:\n  name: " + id + "\n  parallelism: 1\n";
      String yaml =
          "# "
              + source.title()
              + " to "
              + sink.title()
              + (PLACEHOLDER.matcher(body).find() ? ": replace every <placeholder>" : "")
              + (body.contains("${secret:")
                  ? "; each secret reference names a stored secret (create it first)"
                  : "")
              + "\n"
              + body;
      out.add(new Template(id, source.type(), sink.type(), yaml));
    }
    this.templates = List.copyOf(out);
  }

  public List<Template> all() {
    return templates;
  }

  private static String section(ConnectorCatalog.Connector c) {
    Map<String, String> options = new LinkedHashMap<>();
    for (String key : c.required()) {
      options.put(
          key,
          c.secrets().contains(key) ? reference(c, key) : HINTS.getOrDefault(key, "<" + key + ">"));
    }
    options.putAll(EXTRA.getOrDefault(c.kind().key() + ":" + c.type(), Map.of()));
    // a documented top-level credential (Doris' password) is offered as a reference too
    for (String key : c.secrets()) {
      if (!options.containsKey(key)
          && c.options().map(known -> known.contains(key)).orElse(false)) {
        options.put(key, reference(c, key));
      }
    }
    StringBuilder yaml =
        new StringBuilder(c.kind().key()).append(":\n  type: ").append(c.type()).append('\n');
    options.forEach(
        (key, value) -> yaml.append("  ").append(key).append(": ").append(value).append('\n'));
    return yaml.toString();
  }

  private static String reference(ConnectorCatalog.Connector c, String key) {
    return "${secret:" + c.type() + "-" + key.replaceAll("[^A-Za-z0-9]+", "-") + "}";
  }
}
