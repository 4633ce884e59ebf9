package io.cdcconsole.ds;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One start of a DS workflow that a trigger owes a run's transition, as queued and tried.
 *
 * @param response what DS answered once delivered (null before)
 * @param nextAttemptAt when it is tried next; null unless PENDING
 */
record DsDelivery(
    long id,
    long triggerId,
    long runId,
    String onState,
    String workflowCode,
    String status,
    int attempts,
    String lastError,
    Answer response,
    Instant createdAt,
    Instant deliveredAt,
    Instant nextAttemptAt) {

  boolean delivered() {
    return "DELIVERED".equals(status);
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("triggerId", triggerId)
        .put("runId", runId)
        .put("onState", onState)
        .put("workflowCode", workflowCode)
        .put("status", status)
        .put("attempts", attempts)
        .put("lastError", lastError)
        .put("response", response == null ? null : response.toJson())
        .put("createdAt", createdAt)
        .put("deliveredAt", deliveredAt)
        .put("nextAttemptAt", nextAttemptAt);
  }

  /**
   * DS's answer to the start ({@code code} 0 once accepted).
   *
   * @param data DS's {@code data} as it came: a JSON value whose shape DS versions do not agree on
   */
  record Answer(Integer code, String msg, Object data) {
    static Answer of(JsonObject answer) {
      return new Answer(
          answer.getInteger("code"), answer.getString("msg"), answer.getValue("data"));
    }

    JsonObject toJson() {
      return new JsonObject().put("code", code).put("msg", msg).put("data", data);
    }
  }
}
