package io.cdcconsole.access;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which pipelines a scoped API token may act on: those named in {@code pipelines}, and those
 * carrying all of {@code labels}. A scoped token is for automation such as a DolphinScheduler task:
 * it works on the {@code /ds} endpoints only, with operator rights at most.
 */
public record TokenScope(List<String> pipelines, Map<String, String> labels) {

  public boolean allows(String pipelineName, Map<String, String> pipelineLabels) {
    if (pipelines.contains(pipelineName)) {
      return true;
    }
    return !labels.isEmpty()
        && labels.entrySet().stream()
            .allMatch(l -> l.getValue().equals(pipelineLabels.get(l.getKey())));
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("pipelines", new JsonArray(List.copyOf(pipelines)))
        .put("labels", new JsonObject(new TreeMap<String, Object>(labels)));
  }

  public static TokenScope fromJson(JsonObject json) {
    if (json == null) {
      return null;
    }
    Map<String, String> labels = new TreeMap<>();
    json.getJsonObject("labels", new JsonObject())
        .forEach(e -> labels.put(e.getKey(), String.valueOf(e.getValue())));
    return new TokenScope(
        json.getJsonArray("pipelines", new JsonArray()).stream().map(String::valueOf).toList(),
        labels);
  }
}
