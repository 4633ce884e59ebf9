package io.cdcconsole.run;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The whole story of a run: the run, its transitions (oldest first), the savepoints it wrote
 * (newest first) and its job's page in Flink's web UI.
 */
public record RunDetails(
    Run run, List<RunTransition> transitions, List<SavepointEntry> savepoints, String flinkUiUrl) {

  /** The run's fields with its history; other capabilities may add theirs (its health). */
  public JsonObject toJson() {
    JsonArray history = new JsonArray();
    transitions.forEach(t -> history.add(t.toHistoryJson()));
    JsonArray ledger = new JsonArray();
    savepoints.forEach(s -> ledger.add(s.toJson()));
    return run.toJson()
        .put("transitions", history)
        .put("savepoints", ledger)
        .put("flinkUiUrl", flinkUiUrl);
  }
}
