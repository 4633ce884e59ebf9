package io.cdcconsole.pipeline;

import io.cdcconsole.validation.Labels;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The export file: the Flink CDC YAML itself (usable with Flink CDC's own tools) behind a comment
 * header that carries what the console needs to import it again (name, cluster, description,
 * labels).
 */
final class PipelineExport {
  private static final String MARKER = "# cdc-console pipeline export";

  /** What the header of an exported file says; each part may be absent in a hand-written file. */
  record Header(
      Optional<String> name,
      Optional<String> cluster,
      Optional<String> description,
      Map<String, String> labels) {}

  private PipelineExport() {}

  static String render(Pipeline p, String clusterName, String yaml, String secrets) {
    StringBuilder sb =
        new StringBuilder(MARKER)
            .append('\n')
            .append("# name: ")
            .append(p.name())
            .append('\n')
            .append("# cluster: ")
            .append(clusterName)
            .append('\n')
            .append("# version: ")
            .append(p.version())
            .append('\n');
    if (!p.description().isBlank()) {
      sb.append("# description: ").append(p.description().replaceAll("\\s+", " ")).append('\n');
    }
    if (!p.labels().isEmpty()) {
      sb.append("# labels: ")
          .append(
              p.labels().entrySet().stream()
                  .map(e -> e.getKey() + "=" + e.getValue())
                  .collect(Collectors.joining(",")))
          .append('\n');
    }
    sb.append("# secrets: ").append(secrets).append('\n');
    return sb.append(yaml.endsWith("\n") ? yaml : yaml + "\n").toString();
  }

  static Header parseHeader(String text) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String line : text.split("\n", -1)) {
      if (!line.startsWith("#")) {
        break;
      }
      int colon = line.indexOf(':');
      if (colon > 2) {
        fields.put(line.substring(1, colon).trim(), line.substring(colon + 1).trim());
      }
    }
    Map<String, String> labels = new LinkedHashMap<>();
    Optional.ofNullable(fields.get("labels"))
        .filter(s -> !s.isBlank())
        .ifPresent(
            all -> {
              for (String pair : all.split(",")) {
                Map.Entry<String, String> label = Labels.filter(pair.trim());
                labels.put(label.getKey(), label.getValue());
              }
            });
    return new Header(
        Optional.ofNullable(fields.get("name")),
        Optional.ofNullable(fields.get("cluster")),
        Optional.ofNullable(fields.get("description")),
        labels);
  }
}
