package io.cdcconsole.run;

import io.cdcconsole.error.FieldError;
import io.cdcconsole.error.ValidationFailed;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What operators may hand to Flink with a run: Flink settings only from an allow-list of keys and
 * key families (an operator runs pipelines; class paths, JVM options or internal switches would let
 * them run any code on the cluster), and savepoint paths without {@code ..}, under one of the
 * configured prefixes when there are any.
 *
 * @param allowedConfig exact keys ({@code parallelism.default}) or families ending in {@code .*}
 *     ({@code execution.checkpointing.*}); {@code *} allows every key but the forbidden ones
 * @param savepointPrefixes where savepoints may be read from and written to; empty: anywhere
 */
public record RunPolicy(List<String> allowedConfig, List<String> savepointPrefixes) {
  /**
   * Never allowed, whatever the configuration says: they load code or reach into Flink's internals.
   */
  private static final List<String> FORBIDDEN =
      List.of("pipeline.jars", "pipeline.classpaths", "env.*", "$internal.*");

  public RunPolicy {
    allowedConfig = List.copyOf(allowedConfig);
    savepointPrefixes = List.copyOf(savepointPrefixes);
  }

  /** Checks the Flink settings of a start; errors name {@code flinkConfiguration.<key>}. */
  public void checkConfiguration(JsonObject flinkConfiguration) {
    List<FieldError> errors = new ArrayList<>();
    for (String key : flinkConfiguration.fieldNames()) {
      String field = "flinkConfiguration." + key;
      if (FORBIDDEN.stream().anyMatch(rule -> matches(rule, key))) {
        errors.add(
            FieldError.of(
                field,
                "may not be set from the console: it loads code or changes Flink internals"));
      } else if (allowedConfig.stream().noneMatch(rule -> matches(rule, key))) {
        errors.add(
            FieldError.of(
                field,
                "is not among the Flink settings a run may set ("
                    + String.join(", ", allowedConfig)
                    + "); an admin can allow it with runs.allowedFlinkConfig"));
      }
    }
    if (!errors.isEmpty()) {
      throw new ValidationFailed(errors);
    }
  }

  /** Checks a savepoint path or target directory (absent is fine). */
  public void checkPath(String field, Optional<String> path) {
    if (path.isEmpty()) {
      return;
    }
    String p = path.get().trim();
    if (p.isEmpty() || p.contains("..")) {
      throw ValidationFailed.of(field, "must be a savepoint location without '..'");
    }
    if (!savepointPrefixes.isEmpty()
        && savepointPrefixes.stream().noneMatch(prefix -> under(p, prefix))) {
      throw ValidationFailed.of(
          field,
          "must be under one of "
              + String.join(", ", savepointPrefixes)
              + " (runs.savepointPrefixes)");
    }
  }

  private static boolean under(String path, String prefix) {
    String dir = prefix.endsWith("/") ? prefix : prefix + "/";
    return path.startsWith(dir) || path.equals(prefix);
  }

  private static boolean matches(String rule, String key) {
    if (rule.equals("*")) {
      return true;
    }
    if (rule.endsWith(".*")) {
      return key.startsWith(rule.substring(0, rule.length() - 1));
    }
    return key.equals(rule);
  }
}
