package io.cdcconsole.ds;

import io.cdcconsole.error.BadRequest;
import io.cdcconsole.error.ValidationFailed;
import io.cdcconsole.validation.Text;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The parameters of a DolphinScheduler HTTP task call, from the query string or a flat JSON body
 * (the body wins). DS 3.3 substitutes {@code ${...}} in parameters and the body but not in the URL,
 * so nothing is taken from the path.
 */
final class DsParams {
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(50);

  /** DS reads with a 60 s timeout by default: the answer must come before that. */
  static final Duration MAX_TIMEOUT = Duration.ofSeconds(55);

  private final Map<String, String> values;

  private DsParams(Map<String, String> values) {
    this.values = values;
  }

  static DsParams of(RoutingContext ctx) {
    Map<String, String> values = new HashMap<>();
    ctx.queryParams().forEach(e -> values.put(e.getKey(), e.getValue()));
    var buffer = ctx.body().buffer();
    if (buffer != null && buffer.length() > 0 && !buffer.toString().isBlank()) {
      try {
        new JsonObject(buffer)
            .forEach(
                e -> {
                  if (e.getValue() != null && !(e.getValue() instanceof JsonObject)) {
                    values.put(
                        Text.check("(a field name)", e.getKey()),
                        Text.check(e.getKey(), String.valueOf(e.getValue())));
                  }
                });
      } catch (DecodeException | ClassCastException e) {
        throw new BadRequest(
            "The body must be a flat JSON object, such as {\"pipeline\":\"orders\"}.");
      }
    }
    values.values().removeIf(String::isBlank);
    return new DsParams(values);
  }

  Optional<String> get(String name) {
    return Optional.ofNullable(values.get(name));
  }

  String pipeline() {
    return get("pipeline")
        .orElseThrow(
            () -> ValidationFailed.of("pipeline", "is required: the pipeline's name or id"));
  }

  boolean flag(String name, boolean fallback) {
    return get(name)
        .map(
            v ->
                switch (v.toLowerCase(Locale.ROOT)) {
                  case "true", "1", "yes" -> true;
                  case "false", "0", "no" -> false;
                  default -> throw ValidationFailed.of(name, "must be true or false");
                })
        .orElse(fallback);
  }

  Duration timeout() {
    return get("timeout")
        .map(
            t -> {
              try {
                Duration d = Duration.ofSeconds(Long.parseLong(t));
                if (d.isNegative() || d.isZero() || d.compareTo(MAX_TIMEOUT) > 0) {
                  throw ValidationFailed.of(
                      "timeout",
                      "must be 1 to "
                          + MAX_TIMEOUT.toSeconds()
                          + " seconds (DolphinScheduler gives up after 60); for longer waits let DS retry the status check");
                }
                return d;
              } catch (NumberFormatException e) {
                throw ValidationFailed.of("timeout", "must be a number of seconds");
              }
            })
        .orElse(DEFAULT_TIMEOUT);
  }

  Optional<String> taskInstanceId() {
    return get("taskInstanceId");
  }

  Optional<String> workflowInstanceId() {
    return get("workflowInstanceId");
  }

  JsonObject dsIds() {
    return new JsonObject()
        .put("taskInstanceId", values.get("taskInstanceId"))
        .put("workflowInstanceId", values.get("workflowInstanceId"));
  }
}
