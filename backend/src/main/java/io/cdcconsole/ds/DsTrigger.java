package io.cdcconsole.ds;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** "When a run of this pipeline reaches {@code onState}, start DS workflow {@code workflowCode}." */
public record DsTrigger(long id, long pipelineId, long connectionId, String connection, String onState,
                        String projectCode, String workflowCode, boolean enabled, String createdBy, Instant createdAt) {

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("pipelineId", pipelineId).put("connectionId", connectionId)
        .put("connection", connection).put("onState", onState).put("projectCode", projectCode)
        .put("workflowCode", workflowCode).put("enabled", enabled).put("createdBy", createdBy).put("createdAt", createdAt);
  }
}
