package io.cdcconsole.cluster;

import io.cdcconsole.config.Secret;
import io.cdcconsole.validation.Labels;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A registered Flink cluster as stored: secrets (the auth secret, sensitive header values) are
 * {@code ENC(...)} and only ever leave as {@link Secret#MASK}.
 */
public record Cluster(
    long id,
    String name,
    String restUrl,
    Auth auth,
    Map<String, String> headers,
    Tls tls,
    Map<String, String> labels,
    String description,
    Cdc cdc,
    int version,
    Instant createdAt,
    Instant updatedAt) {

  /**
   * How the console authenticates to the Flink REST endpoint; {@code secret} is the password or
   * bearer token.
   */
  public record Auth(String type, String username, String secret) {
    public static final Auth NONE = new Auth("none", null, null);

    JsonObject toStored() {
      return new JsonObject().put("type", type).put("username", username).put("secret", secret);
    }

    JsonObject toApi() {
      JsonObject json = new JsonObject().put("type", type);
      if (username != null) {
        json.put("username", username);
      }
      if (secret != null) {
        json.put(type.equals("bearer") ? "token" : "password", Secret.MASK);
      }
      return json;
    }

    static Auth fromStored(JsonObject json) {
      return new Auth(
          json.getString("type", "none"), json.getString("username"), json.getString("secret"));
    }
  }

  /**
   * TLS for https endpoints: an extra trusted CA (PEM) and, for tests only, skipping verification.
   */
  public record Tls(boolean insecure, String caPem) {
    JsonObject toJson() {
      return new JsonObject().put("insecure", insecure).put("caPem", caPem);
    }

    static Tls fromJson(JsonObject json) {
      return new Tls(json.getBoolean("insecure", false), json.getString("caPem"));
    }
  }

  /**
   * How Flink CDC reaches jobs on this cluster: {@code provided} (on its classpath) or {@code
   * shipped} by the console.
   */
  public record Cdc(String mode, String version) {
    JsonObject toJson(ClusterHealth health, String effective, List<String> warnings) {
      return new JsonObject()
          .put("mode", mode)
          .put("version", version)
          .put("detectedVersion", health.flinkCdc() == null ? null : health.flinkCdc().version())
          .put("effectiveVersion", effective)
          .put("warnings", new JsonArray(warnings));
    }
  }

  /**
   * The Flink CDC version pipelines on this cluster run with: for {@code provided}, the one
   * detected on the JobManager's class path, else the stated one; for {@code shipped}, the stated
   * one (the jars the console ships).
   */
  public Optional<String> effectiveCdcVersion(ClusterHealth health) {
    if ("provided".equals(cdc.mode()) && health.flinkCdc() != null) {
      return Optional.of(health.flinkCdc().version());
    }
    return Optional.ofNullable(cdc.version()).filter(v -> !v.isBlank());
  }

  /**
   * What does not fit: a stated version the class path contradicts, a Flink CDC built for another
   * Flink major.
   */
  public List<String> cdcWarnings(ClusterHealth health) {
    List<String> warnings = new ArrayList<>();
    FlinkCdcDetection detected = health.flinkCdc();
    if (detected != null && "provided".equals(cdc.mode())) {
      if (cdc.version() != null
          && !cdc.version().isBlank()
          && !cdc.version().equals(detected.version())) {
        warnings.add(
            "cdc.version says "
                + cdc.version()
                + " but the cluster's class path holds Flink CDC "
                + detected.version()
                + "; pipelines are checked against "
                + detected.version());
      }
      detected.misfit(health.flinkVersion()).ifPresent(warnings::add);
    }
    return warnings;
  }

  public JsonObject toJson(ClusterHealth health) {
    JsonObject headerJson = new JsonObject();
    new TreeMap<>(headers)
        .forEach(
            (k, v) -> headerJson.put(k, ClusterSecrets.isSensitiveHeader(k) ? Secret.MASK : v));
    return new JsonObject()
        .put("id", id)
        .put("name", name)
        .put("restUrl", restUrl)
        .put("auth", auth.toApi())
        .put("headers", headerJson)
        .put("tls", new JsonObject().put("insecure", tls.insecure()).put("caPem", tls.caPem()))
        .put("labels", Labels.toJson(labels))
        .put("description", description)
        .put(
            "cdc",
            cdc.toJson(health, effectiveCdcVersion(health).orElse(null), cdcWarnings(health)))
        .put("version", version)
        .put("createdAt", createdAt)
        .put("updatedAt", updatedAt)
        .put("health", health.toJson())
        .put("flinkUiUrl", restUrl);
  }
}
