package io.cdcconsole.run;

import io.cdcconsole.error.ValidationFailed;
import io.cdcconsole.pipeline.PipelineDocuments;
import io.cdcconsole.secret.SecretService;
import io.vertx.core.Future;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.Construct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The YAML a run submits: named secrets resolved, {@code ENC(...)} decrypted, and the job named
 * after the pipeline (so that Flink's job list can be matched to pipelines). Built in memory at
 * submit time only, never stored.
 */
final class SubmitYaml {
  /**
   * The resolved YAML, the plaintext secrets in it (to keep them out of program arguments and error
   * texts) and the connector types of its source and sink (for a bundle that ships Flink CDC).
   */
  record Resolved(String yaml, Set<String> secrets, Set<String> connectorTypes) {
    String scrub(String text) {
      return Scrubber.scrub(text, secrets);
    }
  }

  private final PipelineDocuments documents;
  private final SecretService secrets;

  SubmitYaml(PipelineDocuments documents, SecretService secrets) {
    this.documents = documents;
    this.secrets = secrets;
  }

  /**
   * The plaintext secrets of the stored YAML: its named secrets and its decrypted {@code ENC(...)}
   * values. Known before anything else is done with the YAML, so that every failure of the
   * submission can be scrubbed with them.
   */
  Future<Set<String>> secretsOf(String storedYaml) {
    return documents
        .references(storedYaml)
        .compose(secrets::resolve)
        .compose(named -> documents.plaintextSecrets(storedYaml, named));
  }

  /**
   * The YAML to submit; {@code known} are the secrets from {@link #secretsOf}, which the result
   * keeps.
   */
  Future<Resolved> resolve(String storedYaml, String pipelineName, Set<String> known) {
    return documents
        .references(storedYaml)
        .compose(
            refs ->
                secrets
                    .resolve(refs)
                    .compose(
                        named -> {
                          for (String ref : refs) {
                            if (!named.containsKey(ref)) {
                              return Future.failedFuture(
                                  ValidationFailed.of(
                                      "yaml", "the named secret '" + ref + "' no longer exists"));
                            }
                          }
                          return documents.plaintext(
                              storedYaml,
                              named,
                              (plain, plainSecrets) ->
                                  prepare(plain, plainSecrets, pipelineName, known));
                        }));
  }

  /**
   * On the worker of {@link PipelineDocuments#plaintext}: the text as Flink CDC gets it, named
   * after the pipeline.
   */
  private static Resolved prepare(
      String plain, Set<String> plainSecrets, String pipelineName, Set<String> known) {
    Set<String> values = new HashSet<>(known);
    values.addAll(plainSecrets);
    Map<String, Object> doc;
    try {
      doc = load(plain);
    } catch (YAMLException e) {
      // the library's message may quote the text, which now holds plaintext secrets
      throw new IllegalStateException(
          "the pipeline YAML could not be prepared for Flink ("
              + e.getClass().getSimpleName()
              + ")");
    }
    return new Resolved(named(doc, pipelineName), values, connectorTypes(doc));
  }

  /**
   * Every scalar is loaded as a string (an empty value as null), whatever its tag: Flink CDC takes
   * options as text, and a typed constructor (a tag such as {@code !!timestamp}, or an implicit int
   * or date) would change the value ({@code 03306} to 1734) and quote it in its errors.
   */
  static Map<String, Object> load(String yaml) {
    PipelineDocuments.requireWorker();
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(10);
    Object doc = new Yaml(new StringScalars(options)).load(yaml);
    if (!(doc instanceof Map<?, ?>)) {
      throw new IllegalStateException("the pipeline YAML is not a mapping");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) doc;
    return map;
  }

  /** A safe constructor that makes every scalar a string, except YAML's null. */
  private static final class StringScalars extends SafeConstructor {
    StringScalars(LoaderOptions options) {
      super(options);
    }

    @Override
    protected Construct getConstructor(Node node) {
      if (node instanceof ScalarNode) {
        return yamlConstructors.get(Tag.NULL.equals(node.getTag()) ? Tag.NULL : Tag.STR);
      }
      return super.getConstructor(node);
    }
  }

  private static Set<String> connectorTypes(Map<String, Object> doc) {
    Set<String> types = new java.util.TreeSet<>();
    for (String section : new String[] {"source", "sink"}) {
      if (doc.get(section) instanceof Map<?, ?> m && m.get("type") != null) {
        types.add(String.valueOf(m.get("type")));
      }
    }
    return types;
  }

  @SuppressWarnings("unchecked")
  private static String named(Map<String, Object> doc, String pipelineName) {
    Object pipeline = doc.get("pipeline");
    Map<String, Object> section =
        pipeline instanceof Map<?, ?> m ? (Map<String, Object>) m : new LinkedHashMap<>();
    section.put("name", pipelineName);
    doc.put("pipeline", section);
    DumperOptions dump = new DumperOptions();
    dump.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    return new Yaml(dump).dump(doc);
  }
}
