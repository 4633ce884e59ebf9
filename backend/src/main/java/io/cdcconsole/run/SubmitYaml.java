package io.cdcconsole.run;

import io.cdcconsole.config.SecretCipher;
import io.cdcconsole.error.ValidationFailed;
import io.cdcconsole.pipeline.SecretFields;
import io.cdcconsole.secret.SecretService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The YAML a run submits: named secrets resolved, {@code ENC(...)} decrypted, and the job named after the pipeline
 * (so that Flink's job list can be matched to pipelines). Built in memory at submit time only, never stored.
 */
final class SubmitYaml {
  /**
   * The resolved YAML, the plaintext secrets in it (to keep them out of program arguments and error texts) and the
   * connector types of its source and sink (for a bundle that ships Flink CDC).
   */
  record Resolved(String yaml, Set<String> secrets, Set<String> connectorTypes) {
    String scrub(String text) {
      String out = text;
      for (String secret : secrets) {
        if (secret.length() >= 3) {
          out = out.replace(secret, "******");
        }
      }
      return out;
    }
  }

  private final Vertx vertx;
  private final SecretFields secretFields;
  private final SecretService secrets;
  private final SecretCipher cipher;

  SubmitYaml(Vertx vertx, SecretFields secretFields, SecretService secrets, SecretCipher cipher) {
    this.vertx = vertx;
    this.secretFields = secretFields;
    this.secrets = secrets;
    this.cipher = cipher;
  }

  Future<Resolved> resolve(String storedYaml, String pipelineName) {
    Set<String> refs = secretFields.secretReferences(storedYaml);
    return secrets.resolve(refs).compose(named -> vertx.executeBlocking(() -> {
      for (String ref : refs) {
        if (!named.containsKey(ref)) {
          throw ValidationFailed.of("yaml", "the named secret '" + ref + "' no longer exists");
        }
      }
      String withRefs = secretFields.resolveReferences(storedYaml, name -> Optional.ofNullable(named.get(name)));
      String plain = secretFields.decryptAll(withRefs, cipher);
      Set<String> values = new HashSet<>(named.values());
      values.addAll(secretFields.secretValues(plain).values());
      Map<String, Object> doc = load(plain);
      return new Resolved(named(doc, pipelineName), values, connectorTypes(doc));
    }, false));
  }

  private static Map<String, Object> load(String yaml) {
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(10);
    return new Yaml(options).load(yaml);
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
    Map<String, Object> section = pipeline instanceof Map<?, ?> m ? (Map<String, Object>) m : new LinkedHashMap<>();
    section.put("name", pipelineName);
    doc.put("pipeline", section);
    DumperOptions dump = new DumperOptions();
    dump.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    return new Yaml(dump).dump(doc);
  }
}
