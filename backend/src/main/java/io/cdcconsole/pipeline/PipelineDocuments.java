package io.cdcconsole.pipeline;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import io.cdcconsole.config.SecretCipher;
import io.cdcconsole.error.FieldError;
import io.cdcconsole.error.ValidationFailed;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * Every piece of work on pipeline YAML text (compose, mask, diff, validate, keep masked secrets,
 * encrypt, decrypt, resolve references) runs here, on a worker thread. A document of 256 KiB with a
 * thousand secrets takes a quarter of a second to compose and rewrite; on an event loop any viewer
 * could stall every request of the console with a few parallel reads (security review M6). {@link
 * PipelineYaml#compose} calls {@link #requireWorker}, so a path that bypasses this class fails at
 * once instead of slowing the console down unnoticed.
 */
public final class PipelineDocuments {
  private final Vertx vertx;
  private final SecretFields secretFields;
  private final PipelineYamlValidator validator;
  private final SecretCipher cipher;

  /**
   * Masked YAML of stored versions by pipeline id: a version never changes, so neither does its
   * masked text.
   */
  private final Map<Long, Masked> maskedVersions = new ConcurrentHashMap<>();

  private record Masked(int version, String yaml) {}

  /**
   * Bounds the cache to a few MiB: at most this many pipelines, each up to {@link
   * #MAX_CACHED_CHARS}.
   */
  private static final int MAX_CACHED = 1024;

  private static final int MAX_CACHED_CHARS = 16 * 1024;

  public PipelineDocuments(
      Vertx vertx,
      SecretFields secretFields,
      PipelineYamlValidator validator,
      SecretCipher cipher) {
    this.vertx = vertx;
    this.secretFields = secretFields;
    this.validator = validator;
    this.cipher = cipher;
  }

  /** A definition that passed validation, with masks already replaced by the stored values. */
  record Checked(String yaml, List<FieldError> warnings, Set<String> refs) {}

  /** The YAML as answers show it: every secret replaced by the mask. */
  public Future<String> masked(String yaml) {
    return work(() -> secretFields.mask(yaml));
  }

  /**
   * The masked YAML of a stored pipeline version, worked out once and then reused (details are read
   * far more often).
   */
  public Future<String> masked(long pipelineId, int version, String yaml) {
    Masked known = maskedVersions.get(pipelineId);
    if (known != null && known.version() == version) {
      return Future.succeededFuture(known.yaml());
    }
    return masked(yaml)
        .onSuccess(
            text -> {
              if (text.length() > MAX_CACHED_CHARS) {
                return;
              }
              if (maskedVersions.size() >= MAX_CACHED) {
                maskedVersions.clear();
              }
              // a slower read of an older version must not replace a newer one
              maskedVersions.merge(
                  pipelineId,
                  new Masked(version, text),
                  (old, now) -> old.version() > now.version() ? old : now);
            });
  }

  /** A unified diff from {@code a} to {@code b}, with secrets masked on both sides. */
  public Future<String> diff(String a, String aName, String b, String bName) {
    return work(
        () -> {
          List<String> left = List.of(secretFields.mask(a).split("\n", -1));
          List<String> right = List.of(secretFields.mask(b).split("\n", -1));
          List<String> lines =
              UnifiedDiffUtils.generateUnifiedDiff(
                  aName, bName, left, DiffUtils.diff(left, right), 3);
          return lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
        });
  }

  /** The dry run: what a save would say. */
  public Future<PipelineYamlValidator.Validation> validate(
      String yaml, Optional<String> clusterCdcVersion) {
    return work(() -> validator.validate(yaml, clusterCdcVersion));
  }

  /** The names of the named secrets the YAML refers to with {@code ${secret:NAME}}. */
  public Future<Set<String>> references(String yaml) {
    return work(() -> secretFields.secretReferences(yaml));
  }

  /**
   * A save's checks: masks replaced by the stored values ({@code storedYaml} null for a new
   * pipeline) as far as {@code rules} allow, then validated.
   */
  Future<Checked> check(
      String yaml, String storedYaml, String clusterCdcVersion, SecretFields.KeepRules rules) {
    return work(
        () -> {
          SecretFields.Kept kept = secretFields.keepMasked(yaml, storedYaml, rules);
          if (!kept.errors().isEmpty()) {
            throw new ValidationFailed(kept.errors());
          }
          PipelineYamlValidator.Validation validation =
              validator.validate(kept.yaml(), Optional.ofNullable(clusterCdcVersion));
          if (!validation.errors().isEmpty()) {
            throw new ValidationFailed(validation.errors());
          }
          return new Checked(
              kept.yaml(), validation.warnings(), secretFields.secretReferences(kept.yaml()));
        });
  }

  /** The YAML as it is stored: every plaintext secret encrypted. */
  Future<String> encrypt(String yaml) {
    return work(() -> secretFields.encryptAll(yaml, cipher));
  }

  /** The plaintext of every secret by path, with the {@code named} secrets it refers to. */
  Future<Map<String, String>> reveal(String yaml, Map<String, String> named) {
    return work(
        () -> {
          Map<String, String> out = new TreeMap<>();
          secretFields
              .secretValues(yaml)
              .forEach((path, value) -> out.put(path, cipher.reveal(value)));
          named.forEach((name, value) -> out.put("${secret:" + name + "}", value));
          return out;
        });
  }

  /**
   * The plaintext secrets of a stored YAML: its decrypted {@code ENC(...)} values and the {@code
   * named} ones.
   */
  public Future<Set<String>> plaintextSecrets(String storedYaml, Map<String, String> named) {
    return work(
        () -> {
          Set<String> values = new HashSet<>(named.values());
          for (String value : secretFields.secretValues(storedYaml).values()) {
            values.add(cipher.reveal(value));
          }
          return Set.copyOf(values);
        });
  }

  /**
   * The text handed to Flink CDC (references resolved with {@code named}, {@code ENC(...)}
   * decrypted; never stored nor shown) and the plaintext secrets in it, given to {@code finish} on
   * the same worker thread: whatever it does with the text is YAML work too.
   */
  public <T> Future<T> plaintext(
      String storedYaml, Map<String, String> named, BiFunction<String, Set<String>, T> finish) {
    return work(
        () -> {
          String withRefs =
              secretFields.resolveReferences(
                  storedYaml, name -> Optional.ofNullable(named.get(name)));
          String plain = secretFields.decryptAll(withRefs, cipher);
          Set<String> values = new HashSet<>(named.values());
          values.addAll(secretFields.secretValues(plain).values());
          return finish.apply(plain, values);
        });
  }

  /**
   * Refuses to go on when called on an event loop thread: every YAML parse calls it, so that work
   * which should have gone through this class is found by any test that reaches it, not by a
   * stalled console.
   */
  public static void requireWorker() {
    if (Context.isOnEventLoopThread()) {
      throw new IllegalStateException(
          "pipeline YAML work must not run on an event loop thread: use PipelineDocuments");
    }
  }

  /** Unordered: documents of different requests do not wait for one another. */
  private <T> Future<T> work(Callable<T> job) {
    return vertx.executeBlocking(job, false);
  }
}
