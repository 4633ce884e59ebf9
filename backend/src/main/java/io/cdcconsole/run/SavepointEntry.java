package io.cdcconsole.run;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One entry of a pipeline's savepoint ledger: a savepoint or checkpoint it may resume from, or a
 * savepoint that failed ({@code path} null, {@code reason} why).
 *
 * @param source what wrote it ({@code stop}, {@code manual}, {@code periodic}, {@code checkpoint})
 */
public record SavepointEntry(
    long id,
    Long runId,
    String kind,
    String source,
    String path,
    String state,
    String reason,
    Instant createdAt) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("runId", runId)
        .put("kind", kind)
        .put("source", source)
        .put("path", path)
        .put("state", state)
        .put("reason", reason)
        .put("createdAt", createdAt);
  }
}
