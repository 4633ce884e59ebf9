package io.cdcconsole.alert;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One message to one channel, as queued and tried; {@code rule} and {@code pipeline} are null for a
 * channel test.
 *
 * @param nextAttemptAt when it is tried next; null unless PENDING
 */
public record AlertDelivery(
    long id,
    String channel,
    ChannelType channelType,
    String rule,
    String pipeline,
    String event,
    AlertMessage message,
    String status,
    int attempts,
    String lastError,
    String response,
    Instant createdAt,
    Instant deliveredAt,
    Instant nextAttemptAt) {

  public boolean delivered() {
    return "DELIVERED".equals(status);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("channel", channel)
        .put("channelType", channelType.json)
        .put("rule", rule)
        .put("pipeline", pipeline)
        .put("event", event)
        .put("message", message.toJson())
        .put("status", status)
        .put("attempts", attempts)
        .put("lastError", lastError)
        .put("response", response)
        .put("createdAt", createdAt)
        .put("deliveredAt", deliveredAt)
        .put("nextAttemptAt", nextAttemptAt);
  }
}
