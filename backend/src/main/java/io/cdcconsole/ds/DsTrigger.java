package io.cdcconsole.ds;

import io.cdcconsole.store.Rows;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;

/**
 * "When a run of this pipeline reaches {@code onState}, start DS workflow {@code workflowCode} with
 * {@code params}" (DS's startParams: values of the workflow's global parameters for that instance).
 */
public record DsTrigger(
    long id,
    long pipelineId,
    long connectionId,
    String connection,
    String onState,
    String projectCode,
    String workflowCode,
    Map<String, String> params,
    boolean enabled,
    String createdBy,
    int version,
    Instant createdAt) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("pipelineId", pipelineId)
        .put("connectionId", connectionId)
        .put("connection", connection)
        .put("onState", onState)
        .put("projectCode", projectCode)
        .put("workflowCode", workflowCode)
        .put("params", Rows.json(params))
        .put("enabled", enabled)
        .put("createdBy", createdBy)
        .put("version", version)
        .put("createdAt", createdAt);
  }
}
