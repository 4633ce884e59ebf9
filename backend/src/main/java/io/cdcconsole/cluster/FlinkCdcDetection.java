package io.cdcconsole.cluster;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Flink CDC on a cluster, read from the JobManager's class path as {@code GET
 * /jobmanager/environment} lists it (Flink 1.17+): the version of the {@code
 * flink-cdc-common/runtime/composer/cli/dist} jars, and which Flink they were built for. Flink CDC
 * 3.6 ships Flink-version adapters in {@code flink-cdc-flink1-compat} or {@code
 * flink-cdc-flink2-compat}; before 3.6 every release is for Flink 1.x.
 */
public record FlinkCdcDetection(String version, Integer flinkMajor) {

  private static final Pattern CORE_JAR =
      Pattern.compile(
          "(?:^|[/\\\\])flink-cdc-(?:common|runtime|composer|cli|dist)-(\\d+\\.\\d+\\.\\d+(?:-[0-9A-Za-z.]+)?)\\.jar$");
  private static final Pattern COMPAT_JAR =
      Pattern.compile("(?:^|[/\\\\])flink-cdc-flink(\\d)-compat-[^/\\\\]*\\.jar$");

  /**
   * What the environment answer shows, or empty when its class path holds no Flink CDC core jar.
   */
  public static Optional<FlinkCdcDetection> fromEnvironment(JsonObject environment) {
    Object classpath = environment == null ? null : environment.getValue("classpath");
    if (!(classpath instanceof JsonArray entries)) {
      return Optional.empty();
    }
    String version = null;
    Integer compat = null;
    for (Object entry : entries) {
      if (!(entry instanceof String path)) {
        continue;
      }
      for (String part : path.split(":")) {
        Matcher core = CORE_JAR.matcher(part);
        if (core.find() && version == null) {
          version = core.group(1);
        }
        Matcher c = COMPAT_JAR.matcher(part);
        if (c.find()) {
          compat = Integer.parseInt(c.group(1));
        }
      }
    }
    if (version == null) {
      return Optional.empty();
    }
    Integer flinkMajor =
        compat != null
            ? compat
            : Version.of(version).map(v -> v.minor() < 6 ? 1 : null).orElse(null);
    return Optional.of(new FlinkCdcDetection(version, flinkMajor));
  }

  /**
   * Why this Flink CDC cannot run on a cluster with {@code flinkVersion}, or empty when it fits (or
   * either is unknown).
   */
  public Optional<String> misfit(String flinkVersion) {
    Integer clusterMajor = Version.of(flinkVersion).map(Version::major).orElse(null);
    if (clusterMajor == null || flinkMajor == null || clusterMajor.equals(flinkMajor)) {
      return Optional.empty();
    }
    return Optional.of(
        "the cluster runs Flink "
            + flinkVersion
            + " but its Flink CDC "
            + version
            + " is built for Flink "
            + flinkMajor
            + ".x"
            + (clusterMajor == 2
                ? " (Flink CDC 3.6+ has a build for Flink 2: flink-cdc-flink2-compat)"
                : ""));
  }

  /** major.minor of a version text such as {@code 1.20.1} or {@code 3.6.0-flink2}. */
  record Version(int major, int minor) {
    static Optional<Version> of(String text) {
      if (text == null) {
        return Optional.empty();
      }
      Matcher m = Pattern.compile("^(\\d+)\\.(\\d+)").matcher(text.trim());
      return m.find()
          ? Optional.of(new Version(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))))
          : Optional.empty();
    }
  }
}
