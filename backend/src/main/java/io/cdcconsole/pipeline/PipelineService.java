package io.cdcconsole.pipeline;

import io.cdcconsole.access.Principal;
import io.cdcconsole.access.Role;
import io.cdcconsole.cluster.Cluster;
import io.cdcconsole.cluster.ClusterService;
import io.cdcconsole.error.Conflict;
import io.cdcconsole.error.FieldError;
import io.cdcconsole.error.Forbidden;
import io.cdcconsole.error.NotFound;
import io.cdcconsole.error.PayloadTooLarge;
import io.cdcconsole.error.PreconditionFailed;
import io.cdcconsole.error.ValidationFailed;
import io.cdcconsole.secret.SecretService;
import io.cdcconsole.store.IdOrName;
import io.cdcconsole.store.Page;
import io.cdcconsole.store.PageRequest;
import io.cdcconsole.store.StorageException;
import io.cdcconsole.validation.Names;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Pipeline definitions: every save is validated, has its secrets encrypted (masked ones keep the
 * stored value), and makes an immutable version; updates must name the version they edited.
 */
public final class PipelineService {
  public static final int MAX_YAML_BYTES = 256 * 1024;
  private static final int MAX_DESCRIPTION = 2000;

  /**
   * A saved pipeline and the warnings its validation produced (e.g. a connector newer than the
   * cluster's Flink CDC).
   */
  public record Saved(Pipeline pipeline, List<FieldError> warnings) {}

  private final PipelineStore store;
  private final ClusterService clusters;
  private final SecretService secrets;
  private final PipelineDocuments documents;
  private final PipelineRuns runs;

  public PipelineService(
      PipelineStore store,
      ClusterService clusters,
      SecretService secrets,
      PipelineDocuments documents,
      PipelineRuns runs) {
    this.runs = runs;
    this.store = store;
    this.clusters = clusters;
    this.secrets = secrets;
    this.documents = documents;
  }

  /** The dry run: what a save would say, without saving. Masks count as kept values here. */
  public Future<PipelineYamlValidator.Validation> validate(String yaml, Optional<String> cluster) {
    try {
      checkSize(yaml);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    Future<Optional<String>> cdcVersion =
        cluster.isEmpty()
            ? Future.succeededFuture(Optional.empty())
            : resolveCluster(cluster.get()).map(clusters::cdcVersion);
    return cdcVersion.compose(version -> documents.validate(yaml, version));
  }

  public Future<Pipeline> get(String idOrName) {
    return find(idOrName);
  }

  /** The pipeline with its current run, in one statement. */
  public Future<PipelineStore.Detail> detail(String idOrName) {
    return byIdOrName(idOrName, store::detail, store::detailByName);
  }

  /**
   * What a pipeline list asks for: filters (by the current run's state and staleness too) and
   * order.
   */
  public record ListQuery(
      Optional<String> cluster,
      Optional<Map.Entry<String, String>> label,
      Optional<String> name,
      java.util.Set<String> states,
      Optional<Boolean> stale,
      PipelineStore.Order order) {}

  public Future<Page<PipelineSummary>> list(ListQuery q, PageRequest page) {
    Future<Optional<Long>> clusterId =
        q.cluster().isEmpty()
            ? Future.succeededFuture(Optional.empty())
            : resolveCluster(q.cluster().get()).map(c -> Optional.of(c.id()));
    return clusterId.compose(
        id ->
            store.list(
                new PipelineStore.Filter(id, q.label(), q.name(), q.states(), q.stale()),
                q.order(),
                page));
  }

  public Future<Saved> create(Principal author, PipelineSpec spec) {
    return prepare(spec, Optional.empty(), keepRules(author, false))
        .compose(
            p ->
                store
                    .insert(p.save(author, spec.comment()))
                    .recover(err -> taken(err, spec.name()))
                    .map(saved -> new Saved(saved, p.warnings())));
  }

  /**
   * {@code confirmRebind}: an admin confirms that the stored secrets of a source, sink or model
   * whose connection changed go with it (review M8); refused for anyone else.
   */
  public Future<Saved> update(
      Principal author, String idOrName, PipelineSpec spec, int ifMatch, boolean confirmRebind) {
    SecretFields.KeepRules rules;
    try {
      rules = keepRules(author, confirmRebind);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return find(idOrName)
        .compose(
            stored -> {
              if (stored.version() != ifMatch) {
                return Future.failedFuture(stale(stored.version()));
              }
              return prepare(spec, Optional.of(stored), rules)
                  .compose(
                      p ->
                          store
                              .update(stored.id(), ifMatch, p.save(author, spec.comment()))
                              .recover(err -> taken(err, spec.name()))
                              .compose(
                                  saved ->
                                      saved.isPresent()
                                          ? Future.succeededFuture(saved.get())
                                          : find(idOrName)
                                              .compose(
                                                  now ->
                                                      Future.<Pipeline>failedFuture(
                                                          stale(now.version()))))
                              .map(saved -> new Saved(saved, p.warnings())));
            });
  }

  /**
   * Deletes the pipeline with its history, if {@code ifMatch} is still its version; refused while
   * it has an active run.
   */
  public Future<Void> delete(String idOrName, int ifMatch) {
    return find(idOrName)
        .compose(
            p ->
                p.version() != ifMatch
                    ? Future.failedFuture(stale(p.version()))
                    : runs.current(List.of(p.id()))
                        .compose(
                            current -> {
                              PipelineSummary.CurrentRun run = current.get(p.id());
                              if (run != null && run.active()) {
                                return Future.failedFuture(
                                    new Conflict(
                                        "Pipeline '"
                                            + p.name()
                                            + "' has an active run ("
                                            + run.id()
                                            + ", "
                                            + run.state()
                                            + "); stop or cancel it first."));
                              }
                              return store
                                  .delete(p.id(), ifMatch)
                                  .compose(
                                      deleted ->
                                          deleted
                                              ? Future.<Void>succeededFuture()
                                              : find(idOrName)
                                                  .compose(
                                                      now ->
                                                          Future.failedFuture(
                                                              stale(now.version()))));
                            }));
  }

  public Future<List<PipelineVersion>> versions(String idOrName) {
    return find(idOrName).compose(p -> store.versions(p.id()));
  }

  public Future<PipelineVersion> version(String idOrName, int version) {
    return find(idOrName)
        .compose(p -> store.version(p.id(), version))
        .compose(
            found ->
                found
                    .map(Future::succeededFuture)
                    .orElseGet(
                        () ->
                            Future.failedFuture(
                                new NotFound(
                                    "No version " + version + " of pipeline " + idOrName + "."))));
  }

  /** A unified diff from version {@code a} to {@code b}, with secrets masked on both sides. */
  public Future<String> diff(String idOrName, int a, int b) {
    return version(idOrName, a)
        .compose(
            va ->
                version(idOrName, b)
                    .compose(
                        vb ->
                            documents.diff(va.yaml(), "version " + a, vb.yaml(), "version " + b)));
  }

  /** A new version equal to an old one (YAML, cluster, description, labels). */
  public Future<Saved> rollback(Principal author, String idOrName, int toVersion, int ifMatch) {
    return find(idOrName)
        .compose(
            current -> {
              if (current.version() != ifMatch) {
                return Future.failedFuture(stale(current.version()));
              }
              // validated like any save: the catalogue or the cluster's Flink CDC version may have
              // changed since
              return version(idOrName, toVersion)
                  .compose(
                      old ->
                          clusters
                              .find(old.clusterId())
                              .compose(
                                  cluster ->
                                      documents
                                          .validate(old.yaml(), clusters.cdcVersion(cluster))
                                          .compose(
                                              validation -> {
                                                if (!validation.errors().isEmpty()) {
                                                  return Future.failedFuture(
                                                      new ValidationFailed(validation.errors()));
                                                }
                                                return documents
                                                    .references(old.yaml())
                                                    .compose(
                                                        refs ->
                                                            missingSecrets(refs)
                                                                .map(
                                                                    ok ->
                                                                        new Prepared(
                                                                            current.name(),
                                                                            old.description(),
                                                                            cluster.id(),
                                                                            old.labels(),
                                                                            old.yaml(),
                                                                            List.copyOf(refs),
                                                                            validation
                                                                                .warnings())));
                                              })))
                  .compose(
                      p ->
                          store
                              .update(
                                  current.id(),
                                  ifMatch,
                                  p.save(author, "Rolled back to version " + toVersion))
                              .compose(
                                  saved ->
                                      saved
                                          .map(Future::succeededFuture)
                                          .orElseGet(() -> Future.failedFuture(stale(ifMatch + 1))))
                              .map(saved -> new Saved(saved, p.warnings())));
            });
  }

  /**
   * The export file: secrets masked, or as {@code ENC(...)} for moving a pipeline between consoles
   * sharing a key.
   */
  public Future<String> export(String idOrName, boolean encrypted) {
    return find(idOrName)
        .compose(
            p ->
                clusters
                    .find(p.clusterId())
                    .compose(
                        cluster ->
                            (encrypted
                                    ? Future.succeededFuture(p.yaml())
                                    : documents.masked(p.yaml()))
                                .map(
                                    yaml ->
                                        PipelineExport.render(
                                            p,
                                            cluster.name(),
                                            yaml,
                                            encrypted ? "encrypted" : "masked"))));
  }

  /**
   * Creates the pipeline named in the file (or by {@code name}), or saves a new version of it if it
   * exists. Masked secrets in the file keep the stored values.
   */
  public Future<Saved> importFile(
      Principal author,
      String text,
      Optional<String> name,
      Optional<String> cluster,
      boolean confirmRebind) {
    return Future.succeededFuture()
        .compose(v -> imported(author, text, name, cluster, confirmRebind));
  }

  private Future<Saved> imported(
      Principal author,
      String text,
      Optional<String> name,
      Optional<String> cluster,
      boolean confirmRebind) {
    checkSize(text);
    keepRules(author, confirmRebind);
    PipelineExport.Header header = PipelineExport.parseHeader(text);
    Optional<String> pipelineName = name.or(header::name);
    if (pipelineName.isEmpty()) {
      return Future.failedFuture(
          ValidationFailed.of("name", "is required: give ?name= or a '# name:' header line"));
    }
    return store
        .findByName(pipelineName.get())
        .compose(
            existing -> {
              Optional<String> clusterRef =
                  cluster
                      .or(header::cluster)
                      .or(() -> existing.map(p -> Long.toString(p.clusterId())));
              if (clusterRef.isEmpty()) {
                return Future.failedFuture(
                    ValidationFailed.of(
                        "cluster", "is required: give ?cluster= or a '# cluster:' header line"));
              }
              PipelineSpec spec =
                  new PipelineSpec(
                      pipelineName.get(),
                      header.description().or(() -> existing.map(Pipeline::description)).orElse(""),
                      clusterRef.get(),
                      header.labels().isEmpty()
                          ? existing.map(Pipeline::labels).orElse(Map.of())
                          : header.labels(),
                      text,
                      "Imported");
              return existing.isPresent()
                  ? update(
                      author,
                      Long.toString(existing.get().id()),
                      spec,
                      existing.get().version(),
                      confirmRebind)
                  : create(author, spec);
            });
  }

  /**
   * The plaintext of every secret in the pipeline, by path, with named secrets resolved: for
   * admins, audited.
   */
  public Future<Map<String, String>> reveal(String idOrName) {
    return find(idOrName)
        .compose(
            p ->
                documents
                    .references(p.yaml())
                    .compose(secrets::resolve)
                    .compose(named -> documents.reveal(p.yaml(), named)));
  }

  /**
   * The YAML as answers show it: every secret replaced by the mask (worked out on a worker thread).
   */
  public Future<String> masked(String yaml) {
    return documents.masked(yaml);
  }

  /** The stored pipeline's YAML as answers show it, worked out once per version. */
  public Future<String> masked(Pipeline p) {
    return documents.masked(p.id(), p.version(), p.yaml());
  }

  /** Everything a save needs, checked and encrypted; the same for create, update and import. */
  private record Prepared(
      String name,
      String description,
      long clusterId,
      Map<String, String> labels,
      String encryptedYaml,
      List<String> secretRefs,
      List<FieldError> warnings) {
    PipelineStore.Save save(Principal author, String comment) {
      return new PipelineStore.Save(
          name,
          description,
          clusterId,
          labels,
          encryptedYaml,
          secretRefs,
          author.userId(),
          author.username(),
          comment == null ? "" : comment);
    }
  }

  /**
   * What a save may do with secrets it did not get in plaintext (review M8): admins may paste
   * {@code ENC(...)} values (they can reveal them anyway) and may confirm that kept secrets follow
   * a changed connection; operators neither.
   */
  private static SecretFields.KeepRules keepRules(Principal author, boolean confirmRebind) {
    boolean admin = author.role().atLeast(Role.ADMIN);
    if (confirmRebind && !admin) {
      throw new Forbidden(
          "Only an admin may confirm that stored secrets follow a changed connection "
              + "(confirmSecretRebind); enter the secrets again instead.");
    }
    return new SecretFields.KeepRules(admin, confirmRebind);
  }

  private Future<Prepared> prepare(
      PipelineSpec spec, Optional<Pipeline> stored, SecretFields.KeepRules rules) {
    try {
      checkSize(spec.yaml());
      Names.resourceName("name", spec.name());
      if (spec.description() != null && spec.description().length() > MAX_DESCRIPTION) {
        throw ValidationFailed.of("description", "at most " + MAX_DESCRIPTION + " characters");
      }
      if (spec.cluster() == null || spec.cluster().isBlank()) {
        throw ValidationFailed.of(
            "cluster", "is required: the id or name of the cluster the pipeline runs on");
      }
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return resolveCluster(spec.cluster())
        .compose(
            cluster ->
                documents
                    .check(
                        spec.yaml(),
                        stored.map(Pipeline::yaml).orElse(null),
                        clusters.cdcVersion(cluster).orElse(null),
                        rules)
                    .compose(
                        checked ->
                            missingSecrets(checked.refs())
                                .compose(ok -> documents.encrypt(checked.yaml()))
                                .map(PipelineService::storable)
                                .map(
                                    encrypted ->
                                        new Prepared(
                                            spec.name(),
                                            spec.description() == null ? "" : spec.description(),
                                            cluster.id(),
                                            spec.labels(),
                                            encrypted,
                                            List.copyOf(checked.refs()),
                                            checked.warnings()))));
  }

  private Future<Void> missingSecrets(Set<String> refs) {
    return secrets
        .missing(refs)
        .compose(
            missing ->
                missing.isEmpty()
                    ? Future.succeededFuture()
                    : Future.failedFuture(
                        new ValidationFailed(
                            missing.stream()
                                .map(
                                    n ->
                                        FieldError.of(
                                            "yaml",
                                            "refers to ${secret:"
                                                + n
                                                + "}, but no secret of that name exists"))
                                .toList())));
  }

  private Future<Pipeline> find(String idOrName) {
    return byIdOrName(idOrName, store::find, store::findByName);
  }

  private static <T> Future<T> byIdOrName(
      String idOrName,
      java.util.function.LongFunction<Future<Optional<T>>> byId,
      java.util.function.Function<String, Future<Optional<T>>> byName) {
    return IdOrName.find(
        idOrName, byId, byName, () -> new NotFound("No pipeline '" + idOrName + "'."));
  }

  private Future<Cluster> resolveCluster(String idOrName) {
    return clusters
        .find(idOrName)
        .recover(
            err ->
                Future.failedFuture(
                    err instanceof NotFound
                        ? ValidationFailed.of(
                            "cluster", "no cluster '" + idOrName + "' is registered")
                        : err));
  }

  private static void checkSize(String yaml) {
    if (yaml == null || yaml.isBlank()) {
      throw ValidationFailed.of("yaml", "is required: the Flink CDC pipeline definition");
    }
    if (yaml.getBytes(StandardCharsets.UTF_8).length > MAX_YAML_BYTES) {
      throw new PayloadTooLarge(
          "The pipeline YAML is larger than " + MAX_YAML_BYTES / 1024 + " KiB.");
    }
  }

  /**
   * The stored (encrypted) YAML must fit the limit too: encryption makes each secret longer, and a
   * stored definition over the limit could no longer be read, masked, exported or run (security
   * review L1).
   */
  private static String storable(String encryptedYaml) {
    int bytes = encryptedYaml.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_YAML_BYTES) {
      throw ValidationFailed.of(
          "yaml",
          "with its secrets encrypted the definition takes "
              + (bytes + 1023) / 1024
              + " KiB, more than the "
              + MAX_YAML_BYTES / 1024
              + " KiB a pipeline can hold; use fewer or shorter secrets,"
              + " or ${secret:NAME} references");
    }
    return encryptedYaml;
  }

  private static <T> Future<T> taken(Throwable err, String name) {
    return Future.failedFuture(
        err instanceof StorageException.DuplicateKey
            ? new Conflict("A pipeline named '" + name + "' exists already.")
            : err);
  }

  private static PreconditionFailed stale(int current) {
    return new PreconditionFailed(
        "The pipeline was saved meanwhile; its current version is "
            + current
            + ". Reload it and apply your change again.",
        current);
  }
}
