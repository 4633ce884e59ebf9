package io.cdcconsole.alert;

import io.vertx.core.json.JsonObject;

/** Whether a channel took a test message, with its answer (scrubbed of the channel's secrets). */
record AlertChannelCheck(String channel, boolean delivered, String message) {

  JsonObject toJson() {
    return new JsonObject()
        .put("channel", channel)
        .put("delivered", delivered)
        .put("message", message);
  }
}
