package io.cdcconsole.run;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A pipeline's savepoint ledger, newest first, and its restore point: where the next start resumes
 * from ({@code fromSavepoint: latest}; null: none).
 */
public record SavepointLedger(String restorePoint, List<SavepointEntry> items) {

  public JsonObject toJson() {
    JsonArray entries = new JsonArray();
    items.forEach(s -> entries.add(s.toJson()));
    return new JsonObject().put("restorePoint", restorePoint).put("items", entries);
  }
}
