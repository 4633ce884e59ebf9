package io.cdcconsole.alert;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * What an alert says, whatever the channel: stored with its delivery (no secrets in it) and
 * rendered per channel when it is sent.
 *
 * @param event FIRING, RESOLVED or TEST
 */
public record AlertMessage(
    String event,
    String severity,
    String rule,
    String pipeline,
    Long runId,
    String summary,
    Instant at) {

  public String title() {
    return "["
        + event
        + "] "
        + (severity == null ? "" : severity + " ")
        + (rule == null ? "CDC Console" : rule)
        + (pipeline == null ? "" : " — " + pipeline);
  }

  /** Plain text: the title, then one line per fact. */
  public String text() {
    return title() + "\n" + summary + (runId == null ? "" : "\nRun: " + runId) + "\nAt: " + at;
  }

  public String markdown() {
    return "### "
        + title()
        + "\n\n"
        + summary
        + (runId == null ? "" : "\n\n- Run: " + runId)
        + "\n- At: "
        + at;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("event", event)
        .put("severity", severity)
        .put("rule", rule)
        .put("pipeline", pipeline)
        .put("runId", runId)
        .put("summary", summary)
        .put("at", at);
  }

  public static AlertMessage fromJson(JsonObject json) {
    return new AlertMessage(
        json.getString("event"),
        json.getString("severity"),
        json.getString("rule"),
        json.getString("pipeline"),
        json.getLong("runId"),
        json.getString("summary"),
        json.getInstant("at"));
  }
}
