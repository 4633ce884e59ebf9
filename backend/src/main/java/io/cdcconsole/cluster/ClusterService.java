package io.cdcconsole.cluster;

import io.cdcconsole.config.Secret;
import io.cdcconsole.config.SecretCipher;
import io.cdcconsole.error.Conflict;
import io.cdcconsole.error.FieldError;
import io.cdcconsole.error.NotFound;
import io.cdcconsole.error.PreconditionFailed;
import io.cdcconsole.error.ValidationFailed;
import io.cdcconsole.store.IdOrName;
import io.cdcconsole.store.StorageException;
import io.cdcconsole.validation.Names;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The cluster registry: validation, encrypted secrets, optimistic updates, and deletion only while
 * unused.
 */
public final class ClusterService {
  private static final Set<String> AUTH_TYPES = Set.of("none", "basic", "bearer");
  private static final Set<String> CDC_MODES = Set.of("provided", "shipped");
  private static final Pattern VERSION = Pattern.compile("\\d+\\.\\d+(\\.\\d+)?");
  private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}");
  private static final int MAX_HEADERS = 32;

  /** A cluster with what the last probe found. */
  public record Observed(Cluster cluster, ClusterHealth health) {}

  private final Vertx vertx;
  private final ClusterStore store;
  private final ClusterHealthWatcher watcher;
  private final SecretCipher cipher;

  public ClusterService(
      Vertx vertx, ClusterStore store, ClusterHealthWatcher watcher, SecretCipher cipher) {
    this.vertx = vertx;
    this.store = store;
    this.watcher = watcher;
    this.cipher = cipher;
  }

  public Future<List<Observed>> list() {
    return list(Optional.empty());
  }

  /**
   * The clusters, optionally only those with a label ({@code key}, or {@code key=value} when the
   * value is not empty).
   */
  public Future<List<Observed>> list(Optional<Map.Entry<String, String>> label) {
    return store
        .all(label)
        .map(all -> all.stream().map(c -> new Observed(c, watcher.health(c.id()))).toList());
  }

  /** By id, or by name ({@link IdOrName}). */
  public Future<Observed> get(String ref) {
    return find(ref).map(c -> new Observed(c, watcher.health(c.id())));
  }

  /**
   * The Flink CDC version pipelines on the cluster are checked against: detected on its class path,
   * else stated.
   */
  public Optional<String> cdcVersion(Cluster cluster) {
    return cluster.effectiveCdcVersion(watcher.health(cluster.id()));
  }

  /**
   * Why pipelines cannot run on the cluster as it was last seen: its Flink CDC is built for another
   * Flink major (e.g. Flink CDC 3.5 on Flink 2.x, or the Flink 2 build of 3.6 on Flink 1.20). Empty
   * when it fits or is unknown.
   */
  public Optional<String> misfit(Cluster cluster) {
    ClusterHealth health = watcher.health(cluster.id());
    return "provided".equals(cluster.cdc().mode()) && health.flinkCdc() != null
        ? health.flinkCdc().misfit(health.flinkVersion())
        : Optional.empty();
  }

  public Future<Cluster> find(long id) {
    return store
        .find(id)
        .compose(
            found ->
                found
                    .map(Future::succeededFuture)
                    .orElseGet(() -> Future.failedFuture(new NotFound("No cluster " + id + "."))));
  }

  /** By id, or by name ({@link IdOrName}). */
  public Future<Cluster> find(String ref) {
    return IdOrName.find(
        ref, store::find, store::findByName, () -> new NotFound("No cluster '" + ref + "'."));
  }

  /**
   * Registers a cluster and probes it at once, so the answer already says whether it is reachable.
   */
  public Future<Observed> create(ClusterSpec spec) {
    try {
      validate(spec, Optional.empty());
    } catch (ValidationFailed e) {
      return Future.failedFuture(e);
    }
    return vertx
        .executeBlocking(() -> encrypted(spec, Optional.empty(), 0L), false)
        .compose(cluster -> store.insert(cluster).recover(err -> duplicate(err, spec.name())))
        .compose(cluster -> watcher.probe(cluster).map(health -> new Observed(cluster, health)));
  }

  /** Replaces the definition, if {@code ifMatch} is still the current version. */
  public Future<Observed> update(String ref, ClusterSpec spec, int ifMatch) {
    return find(ref)
        .compose(
            stored -> {
              if (ifMatch != stored.version()) {
                return Future.failedFuture(staleVersion(stored.version()));
              }
              validate(spec, Optional.of(stored));
              return vertx
                  .executeBlocking(() -> encrypted(spec, Optional.of(stored), stored.id()), false)
                  .compose(
                      cluster ->
                          store
                              .update(cluster, stored.version())
                              .recover(err -> duplicate(err, spec.name())))
                  .compose(
                      updated ->
                          updated
                              .map(Future::succeededFuture)
                              .orElseGet(
                                  () -> Future.failedFuture(staleVersion(stored.version() + 1))))
                  .compose(
                      cluster ->
                          watcher.probe(cluster).map(health -> new Observed(cluster, health)));
            });
  }

  /** Deletes the cluster, if {@code ifMatch} is still its version and no pipeline uses it. */
  public Future<Void> delete(String ref, int ifMatch) {
    return find(ref)
        .compose(
            cluster -> {
              if (ifMatch != cluster.version()) {
                return Future.failedFuture(staleVersion(cluster.version()));
              }
              return store
                  .pipelinesUsing(cluster.id())
                  .compose(
                      pipelines -> {
                        if (!pipelines.isEmpty()) {
                          return Future.failedFuture(inUse(cluster, pipelines));
                        }
                        return store
                            .delete(cluster.id(), ifMatch)
                            // a pipeline was created for it between the check and the delete: name
                            // it
                            .recover(
                                err ->
                                    err instanceof StorageException.ForeignKey
                                        ? store
                                            .pipelinesUsing(cluster.id())
                                            .compose(
                                                now -> Future.failedFuture(inUse(cluster, now)))
                                        : Future.failedFuture(err))
                            .compose(
                                deleted -> {
                                  if (!deleted) {
                                    return find(cluster.id())
                                        .compose(
                                            now ->
                                                Future.failedFuture(staleVersion(now.version())));
                                  }
                                  watcher.forget(cluster.id());
                                  return Future.<Void>succeededFuture();
                                });
                      });
            });
  }

  private static <T> Future<T> duplicate(Throwable err, String name) {
    return Future.failedFuture(
        err instanceof StorageException.DuplicateKey
            ? new Conflict("A cluster named '" + name + "' exists already.")
            : err);
  }

  /** The refusal of a delete, naming the pipelines ({@code {id, name}}) that use the cluster. */
  private static Conflict inUse(Cluster cluster, List<ClusterStore.UsedBy> pipelines) {
    JsonArray named = new JsonArray();
    pipelines.forEach(p -> named.add(new JsonObject().put("id", p.id()).put("name", p.name())));
    return new Conflict(
        "Cluster '"
            + cluster.name()
            + "' is used by pipelines: "
            + String.join(", ", pipelines.stream().map(ClusterStore.UsedBy::name).toList())
            + ". Move them to another cluster or delete them first.",
        new JsonObject().put("pipelines", named));
  }

  private static PreconditionFailed staleVersion(int current) {
    return new PreconditionFailed(
        "The cluster was changed meanwhile; its current version is "
            + current
            + ". Reload it and apply your change again.",
        current);
  }

  private static void validate(ClusterSpec spec, Optional<Cluster> stored) {
    List<FieldError> errors = new ArrayList<>();
    if (!Names.isSlug(spec.name())) {
      errors.add(
          FieldError.of(
              "name",
              "must be 1 to 63 lowercase letters, digits or '-', starting with a letter or digit"));
    } else if (spec.name().chars().allMatch(Character::isDigit)) {
      errors.add(
          FieldError.of("name", "must not be digits only: a reference of digits is read as an id"));
    }
    try {
      URI uri = new URI(spec.restUrl() == null ? "" : spec.restUrl());
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null
          || uri.getQuery() != null
          || uri.getFragment() != null) {
        errors.add(
            FieldError.of(
                "restUrl",
                "must be an http:// or https:// URL of the Flink REST endpoint, e.g. http://jobmanager:8081"));
      }
    } catch (URISyntaxException e) {
      errors.add(FieldError.of("restUrl", "is not a valid URL"));
    }
    Cluster.Auth auth = spec.auth();
    if (!AUTH_TYPES.contains(auth.type())) {
      errors.add(FieldError.of("auth.type", "must be one of none, basic, bearer"));
    } else if (!"none".equals(auth.type())) {
      String field = "basic".equals(auth.type()) ? "auth.password" : "auth.token";
      if ("basic".equals(auth.type()) && (auth.username() == null || auth.username().isBlank())) {
        errors.add(FieldError.of("auth.username", "is required for basic authentication"));
      }
      boolean keepsStored =
          Secret.MASK.equals(auth.secret())
              && stored
                  .map(c -> c.auth().secret() != null && c.auth().type().equals(auth.type()))
                  .orElse(false);
      if (auth.secret() == null
          || auth.secret().isEmpty()
          || (Secret.MASK.equals(auth.secret()) && !keepsStored)) {
        errors.add(FieldError.of(field, "is required for " + auth.type() + " authentication"));
      }
    }
    if (spec.headers().size() > MAX_HEADERS) {
      errors.add(FieldError.of("headers", "at most " + MAX_HEADERS + " headers"));
    }
    spec.headers()
        .forEach(
            (name, value) -> {
              if (!HEADER_NAME.matcher(name).matches()
                  || value.length() > 4096
                  || value.contains("\n")
                  || value.contains("\r")) {
                errors.add(
                    FieldError.of(
                        "headers." + name,
                        "must be a valid HTTP header name with a single-line value"));
              } else if (Secret.MASK.equals(value)
                  && stored.map(c -> !c.headers().containsKey(name)).orElse(true)) {
                errors.add(
                    FieldError.of(
                        "headers." + name, "the mask can only keep a value that was saved before"));
              }
            });
    if (spec.tls().caPem() != null
        && !spec.tls().caPem().isBlank()
        && !spec.tls().caPem().contains("-----BEGIN CERTIFICATE-----")) {
      errors.add(
          FieldError.of("tls.caPem", "must be a PEM certificate (-----BEGIN CERTIFICATE-----)"));
    }
    if (!CDC_MODES.contains(spec.cdc().mode())) {
      errors.add(
          FieldError.of(
              "cdc.mode",
              "must be 'provided' (Flink CDC on the cluster's classpath) or 'shipped' (by the console)"));
    }
    // optional when the cluster provides Flink CDC (it is detected from the class path); the
    // shipped jars need it
    boolean stated = spec.cdc().version() != null && !spec.cdc().version().isBlank();
    if (stated && !VERSION.matcher(spec.cdc().version()).matches()) {
      errors.add(FieldError.of("cdc.version", "must be a Flink CDC version such as 3.2.0"));
    } else if (!stated && "shipped".equals(spec.cdc().mode())) {
      errors.add(
          FieldError.of(
              "cdc.version",
              "is required when the console ships Flink CDC: it names the jars to ship"));
    }
    if (spec.description() != null && spec.description().length() > 2000) {
      errors.add(FieldError.of("description", "at most 2000 characters"));
    }
    if (!errors.isEmpty()) {
      throw new ValidationFailed(errors);
    }
  }

  /**
   * The cluster to store: new secrets encrypted, masked ones taken over from the stored definition.
   */
  private Cluster encrypted(ClusterSpec spec, Optional<Cluster> stored, long id) {
    Cluster.Auth auth = spec.auth();
    String secret = null;
    if (!"none".equals(auth.type())) {
      secret =
          Secret.MASK.equals(auth.secret())
              ? stored.orElseThrow().auth().secret()
              : encrypt(auth.secret());
    }
    Map<String, String> headers = new LinkedHashMap<>();
    spec.headers()
        .forEach(
            (name, value) -> {
              if (Secret.MASK.equals(value)) {
                headers.put(name, stored.orElseThrow().headers().get(name));
              } else {
                headers.put(name, ClusterSecrets.isSensitiveHeader(name) ? encrypt(value) : value);
              }
            });
    return new Cluster(
        id,
        spec.name(),
        stripSlash(spec.restUrl()),
        new Cluster.Auth(auth.type(), "basic".equals(auth.type()) ? auth.username() : null, secret),
        headers,
        spec.tls(),
        spec.labels(),
        spec.description() == null ? "" : spec.description(),
        spec.cdc(),
        stored.map(Cluster::version).orElse(1),
        null,
        null);
  }

  /**
   * Plaintext is encrypted; an {@code ENC(...)} value is kept, once it is known to open with this
   * console's key.
   */
  private String encrypt(String value) {
    if (!SecretCipher.isEncrypted(value)) {
      return cipher.encrypt(value);
    }
    try {
      cipher.decrypt(value);
      return value;
    } catch (SecretCipher.WrongKeyException e) {
      throw ValidationFailed.of(
          "auth", "an ENC(...) value does not decrypt with this console's master key");
    }
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
