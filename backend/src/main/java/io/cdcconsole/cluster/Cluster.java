package io.cdcconsole.cluster;

import io.cdcconsole.config.Secret;
import io.cdcconsole.validation.Labels;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * A registered Flink cluster as stored: secrets (the auth secret, sensitive header values) are {@code ENC(...)} and
 * only ever leave as {@link Secret#MASK}.
 */
public record Cluster(long id, String name, String restUrl, Auth auth, Map<String, String> headers, Tls tls,
                      Map<String, String> labels, String description, Cdc cdc, int version, Instant createdAt,
                      Instant updatedAt) {

  /** How the console authenticates to the Flink REST endpoint; {@code secret} is the password or bearer token. */
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
      return new Auth(json.getString("type", "none"), json.getString("username"), json.getString("secret"));
    }
  }

  /** TLS for https endpoints: an extra trusted CA (PEM) and, for tests only, skipping verification. */
  public record Tls(boolean insecure, String caPem) {
    JsonObject toJson() {
      return new JsonObject().put("insecure", insecure).put("caPem", caPem);
    }

    static Tls fromJson(JsonObject json) {
      return new Tls(json.getBoolean("insecure", false), json.getString("caPem"));
    }
  }

  /** How Flink CDC reaches jobs on this cluster: {@code provided} (on its classpath) or {@code shipped} by the console. */
  public record Cdc(String mode, String version) {
    JsonObject toJson() {
      return new JsonObject().put("mode", mode).put("version", version);
    }
  }

  public JsonObject toJson(ClusterHealth health) {
    JsonObject headerJson = new JsonObject();
    new TreeMap<>(headers).forEach((k, v) -> headerJson.put(k, ClusterSecrets.isSensitiveHeader(k) ? Secret.MASK : v));
    return new JsonObject()
        .put("id", id)
        .put("name", name)
        .put("restUrl", restUrl)
        .put("auth", auth.toApi())
        .put("headers", headerJson)
        .put("tls", new JsonObject().put("insecure", tls.insecure()).put("caPem", tls.caPem()))
        .put("labels", Labels.toJson(labels))
        .put("description", description)
        .put("cdc", cdc.toJson())
        .put("version", version)
        .put("createdAt", createdAt)
        .put("updatedAt", updatedAt)
        .put("health", health.toJson())
        .put("flinkUiUrl", restUrl);
  }
}
