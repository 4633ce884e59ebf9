package io.cdcconsole.pipeline;

import io.cdcconsole.config.SecretCipher;
import io.cdcconsole.error.FieldError;
import io.cdcconsole.error.ValidationFailed;
import io.cdcconsole.pipeline.ConnectorCatalog.Kind;
import io.cdcconsole.pipeline.PipelineYaml.CodePoints;
import io.cdcconsole.pipeline.PipelineYaml.Edit;
import io.cdcconsole.pipeline.PipelineYaml.Entry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Matcher;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Finds the secret values of a pipeline definition (options of {@code source} and {@code sink} that
 * the {@link ConnectorCatalog} calls secret, and options of {@code pipeline.model} entries that its
 * global patterns call secret, such as {@code openai.apikey}) and rewrites exactly those values in
 * the YAML text, so that the user's comments and layout survive encryption, masking and decryption.
 *
 * <p>A secret value is a non-empty scalar. Values holding a {@code ${secret:NAME}} reference are
 * references to a named secret, not secrets: they are never encrypted nor masked. A secret cannot
 * be a YAML alias ({@code *name}): the text to rewrite would be somewhere else, possibly under a
 * key that is not secret.
 */
public final class SecretFields {
  /** What answers show instead of a secret; sending it back in a save keeps the stored value. */
  public static final String MASK = "******";

  /** The YAML with masked values replaced by the stored ones, or the errors that prevented it. */
  public record Kept(String yaml, List<FieldError> errors) {
    public Kept {
      errors = List.copyOf(errors);
    }
  }

  /**
   * What the one saving may do beyond keeping a secret where it was stored (security review M8).
   * {@code pasteEncrypted}: an {@code ENC(...)} value is taken as it is wherever it is written
   * (admins: they may reveal it anyway); otherwise it must equal the value stored at the same path.
   * {@code rebind}: a kept secret follows a changed connection (an admin who confirmed it);
   * otherwise it must be entered again.
   */
  public record KeepRules(boolean pasteEncrypted, boolean rebind) {
    /** An operator: secrets stay with the option and the connection they were saved for. */
    public static final KeepRules EDITOR = new KeepRules(false, false);
  }

  /** One secret value in one document; {@code part} is the path of its source, sink or model. */
  private record Secret(
      Optional<Kind> kind, String type, String part, String path, ScalarNode node) {
    String value() {
      return node.getValue();
    }
  }

  private final ConnectorCatalog catalog;

  public SecretFields(ConnectorCatalog catalog) {
    this.catalog = catalog;
  }

  /**
   * Rewrites every secret value: {@code replacement} gets the path (e.g. {@code
   * sink.properties.sasl.jaas.config}) and the value, and returns the new value, or the same value
   * (or null) to leave the text as written. The new value is written as a plain scalar when that is
   * unambiguous, else double-quoted.
   *
   * @throws ValidationFailed when the YAML cannot be read, or a secret value is an alias
   */
  public static String transformSecrets(
      String yaml, ConnectorCatalog catalog, BiFunction<String, String, String> replacement) {
    Optional<Node> root = PipelineYaml.compose(yaml);
    if (root.isEmpty()) {
      return yaml;
    }
    CodePoints cp = new CodePoints(yaml);
    List<Edit> edits = new ArrayList<>();
    for (Secret s : secrets(root.get(), catalog)) {
      String next = replacement.apply(s.path(), s.value());
      if (next != null && !next.equals(s.value())) {
        edits.add(PipelineYaml.replaceValue(yaml, cp, s.node(), next));
      }
    }
    return PipelineYaml.apply(yaml, edits);
  }

  /** Encrypts every plaintext secret; {@code ENC(...)} values are kept as they are. */
  public String encryptAll(String yaml, SecretCipher cipher) {
    return transformSecrets(
        yaml,
        catalog,
        (path, value) -> SecretCipher.isEncrypted(value) ? value : cipher.encrypt(value));
  }

  /**
   * Decrypts every {@code ENC(...)} secret: the text handed to Flink CDC, never stored nor shown.
   */
  public String decryptAll(String yaml, SecretCipher cipher) {
    return transformSecrets(yaml, catalog, (path, value) -> cipher.reveal(value));
  }

  /** Replaces every secret, plaintext or encrypted, by {@link #MASK}. */
  public String mask(String yaml) {
    return transformSecrets(yaml, catalog, (path, value) -> MASK);
  }

  /** The paths of the secret values, in document order. */
  public List<String> secretPaths(String yaml) {
    return List.copyOf(secretValues(yaml).keySet());
  }

  /** The secret values as written (plaintext or {@code ENC(...)}), by path, in document order. */
  public Map<String, String> secretValues(String yaml) {
    Map<String, String> out = new LinkedHashMap<>();
    PipelineYaml.compose(yaml)
        .ifPresent(root -> secrets(root, catalog).forEach(s -> out.put(s.path(), s.value())));
    return out;
  }

  /** {@link #keepMasked(String, String, KeepRules)} for an operator. */
  public Kept keepMasked(String newYaml, String storedYaml) {
    return keepMasked(newYaml, storedYaml, KeepRules.EDITOR);
  }

  /**
   * Where the new YAML holds {@link #MASK}, puts back the value stored at the same path, so that a
   * user can edit a pipeline without re-entering its secrets. The stored value is only reused for
   * the same connector type and the same connection (the catalogue's endpoint options of the same
   * source, sink or model, such as hostname and port): a password must not follow the definition to
   * another system or host. An {@code ENC(...)} value is held to the same rules unless {@code
   * rules} allow more. {@code storedYaml} is null for a new pipeline. Errors are returned, not
   * thrown, with the position of each refused value (or of the syntax error).
   */
  public Kept keepMasked(String newYaml, String storedYaml, KeepRules rules) {
    Node root;
    try {
      Optional<Node> composed = PipelineYaml.compose(newYaml);
      if (composed.isEmpty()) {
        return new Kept(newYaml, List.of());
      }
      root = composed.get();
    } catch (ValidationFailed e) {
      return new Kept(newYaml, e.errors());
    }
    Map<String, Secret> stored = new LinkedHashMap<>();
    Map<String, Map<String, String>> storedEndpoints = Map.of();
    if (storedYaml != null) {
      try {
        Optional<Node> storedRoot = PipelineYaml.compose(storedYaml);
        if (storedRoot.isPresent()) {
          secrets(storedRoot.get(), catalog).forEach(s -> stored.put(s.path(), s));
          storedEndpoints = endpoints(storedRoot.get(), catalog);
        }
      } catch (ValidationFailed e) {
        // a stored definition always parses; if it does not, it has nothing to give
      }
    }
    Map<String, Map<String, String>> endpoints = endpoints(root, catalog);
    CodePoints cp = new CodePoints(newYaml);
    List<Edit> edits = new ArrayList<>();
    List<FieldError> errors = new ArrayList<>();
    List<Secret> current;
    try {
      current = secrets(root, catalog);
    } catch (ValidationFailed e) {
      return new Kept(newYaml, e.errors());
    }
    for (Secret s : current) {
      boolean masked = s.value().equals(MASK);
      if (!masked && (!SecretCipher.isEncrypted(s.value()) || rules.pasteEncrypted())) {
        continue;
      }
      Secret old = stored.get(s.path());
      boolean sameOption =
          old != null && old.kind().equals(s.kind()) && old.type().equals(s.type());
      if (masked && !sameOption) {
        errors.add(
            PipelineYaml.error(
                s.path(),
                s.node(),
                "the mask "
                    + MASK
                    + " can only keep a value that was "
                    + "saved before for this option of this connector type; enter the secret"));
        continue;
      }
      if (!masked && (!sameOption || !old.value().equals(s.value()))) {
        errors.add(
            PipelineYaml.error(
                s.path(),
                s.node(),
                "an encrypted value ENC(...) is only accepted where it is "
                    + "stored already; enter the secret itself (only admins may paste encrypted values)"));
        continue;
      }
      List<String> changed =
          changed(
              storedEndpoints.getOrDefault(s.part(), Map.of()),
              endpoints.getOrDefault(s.part(), Map.of()));
      if (!changed.isEmpty() && !rules.rebind()) {
        errors.add(
            PipelineYaml.error(
                s.path(),
                s.node(),
                "the connection of "
                    + s.part()
                    + " changed ("
                    + String.join(", ", changed)
                    + "): a stored secret is only kept for the connection it was saved for; "
                    + "enter the secret again (or an admin confirms with confirmSecretRebind=true)"));
      } else if (masked) {
        edits.add(PipelineYaml.replaceValue(newYaml, cp, s.node(), old.value()));
      }
    }
    return errors.isEmpty()
        ? new Kept(PipelineYaml.apply(newYaml, edits), List.of())
        : new Kept(newYaml, errors);
  }

  /**
   * The endpoint keys whose values differ between two connections, added and removed ones included,
   * sorted.
   */
  private static List<String> changed(Map<String, String> before, Map<String, String> after) {
    Set<String> keys = new TreeSet<>(before.keySet());
    keys.addAll(after.keySet());
    return keys.stream().filter(k -> !Objects.equals(before.get(k), after.get(k))).toList();
  }

  /**
   * The endpoint options of each source, sink and model, by the part's path: each key with its
   * value as written (a list's items joined by line breaks, a nested structure as its node kind:
   * any change of it counts).
   */
  private static Map<String, Map<String, String>> endpoints(Node root, ConnectorCatalog catalog) {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    for (Part part : parts(root)) {
      Map<String, String> values = new TreeMap<>();
      for (Entry e : part.flat().options()) {
        if (catalog.isEndpoint(part.kind(), part.type(), e.key())) {
          values.put(e.key(), text(e.value()));
        }
      }
      out.putIfAbsent(part.path(), values);
    }
    return out;
  }

  private static String text(Node node) {
    if (node instanceof ScalarNode s) {
      return s.getValue();
    }
    if (node instanceof SequenceNode seq) {
      return String.join(
          "\n",
          seq.getValue().stream()
              .map(n -> n instanceof ScalarNode s ? s.getValue() : n.getNodeId().name())
              .toList());
    }
    return node.getNodeId().name() + "@" + node.getStartMark().getIndex();
  }

  /**
   * The names of the named secrets that source, sink and models refer to with {@code
   * ${secret:NAME}}.
   */
  public Set<String> secretReferences(String yaml) {
    Set<String> names = new LinkedHashSet<>();
    PipelineYaml.compose(yaml)
        .ifPresent(
            root -> {
              for (Entry e : referenceCandidates(root)) {
                Matcher m = PipelineYaml.REFERENCE.matcher(((ScalarNode) e.value()).getValue());
                while (m.find()) {
                  names.add(m.group(1));
                }
              }
            });
    return names;
  }

  /**
   * Replaces every {@code ${secret:NAME}} under source, sink and models by the named secret's
   * value: the text handed to Flink CDC, never stored nor shown.
   *
   * @throws ValidationFailed naming the path and the secret of every reference {@code lookup} does
   *     not know
   */
  public String resolveReferences(String yaml, Function<String, Optional<String>> lookup) {
    Optional<Node> root = PipelineYaml.compose(yaml);
    if (root.isEmpty()) {
      return yaml;
    }
    CodePoints cp = new CodePoints(yaml);
    List<Edit> edits = new ArrayList<>();
    List<FieldError> errors = new ArrayList<>();
    for (Entry e : referenceCandidates(root.get())) {
      ScalarNode node = (ScalarNode) e.value();
      Matcher m = PipelineYaml.REFERENCE.matcher(node.getValue());
      StringBuilder resolved = new StringBuilder();
      boolean found = false;
      while (m.find()) {
        found = true;
        Optional<String> value = lookup.apply(m.group(1));
        if (value.isEmpty()) {
          errors.add(
              PipelineYaml.error(
                  e.path(),
                  node,
                  "refers to ${secret:" + m.group(1) + "}, but no secret of that name exists"));
        }
        m.appendReplacement(resolved, Matcher.quoteReplacement(value.orElse("")));
      }
      if (found) {
        m.appendTail(resolved);
        edits.add(PipelineYaml.replaceValue(yaml, cp, node, resolved.toString()));
      }
    }
    if (!errors.isEmpty()) {
      throw new ValidationFailed(errors);
    }
    return PipelineYaml.apply(yaml, edits);
  }

  /**
   * A part of the document whose options can hold secrets: a source, a sink, or a model of the
   * pipeline (AI models take API keys). A model has no connector kind or type: only the catalogue's
   * global patterns apply to it.
   */
  private record Part(Optional<Kind> kind, String type, String path, PipelineYaml.Flat flat) {
    boolean isSecret(ConnectorCatalog catalog, String key) {
      return kind.map(k -> catalog.isSecret(k, type, key))
          .orElseGet(() -> catalog.isSecretKey(key));
    }
  }

  /**
   * Every source, sink (all of them, should a key be duplicated) and pipeline model, in document
   * order.
   */
  private static List<Part> parts(Node root) {
    List<Part> out = new ArrayList<>();
    if (!(root instanceof MappingNode top)) {
      return out;
    }
    for (Entry e : PipelineYaml.entries(top, "")) {
      if ((e.key().equals("source") || e.key().equals("sink"))
          && e.value() instanceof MappingNode m) {
        out.add(
            new Part(
                Optional.of(Kind.of(e.key())),
                PipelineYaml.type(m).orElse(""),
                e.key(),
                PipelineYaml.options(m, e.key())));
      } else if (e.key().equals("pipeline") && e.value() instanceof MappingNode p) {
        PipelineYaml.get(p, "model")
            .map(Entry::value)
            .ifPresent(
                models -> {
                  if (models instanceof MappingNode single) {
                    out.add(
                        new Part(
                            Optional.empty(),
                            "",
                            "pipeline.model",
                            PipelineYaml.options(single, "pipeline.model")));
                  } else if (models instanceof SequenceNode list) {
                    for (int i = 0; i < list.getValue().size(); i++) {
                      if (list.getValue().get(i) instanceof MappingNode model) {
                        String path = "pipeline.model[" + i + "]";
                        out.add(
                            new Part(
                                Optional.empty(), "", path, PipelineYaml.options(model, path)));
                      }
                    }
                  }
                });
      }
    }
    return out;
  }

  /** The secret values, in document order. */
  private static List<Secret> secrets(Node root, ConnectorCatalog catalog) {
    List<Secret> out = new ArrayList<>();
    List<FieldError> aliases = new ArrayList<>();
    for (Part part : parts(root)) {
      for (Entry e : part.flat().options()) {
        if (!(e.value() instanceof ScalarNode node)
            || e.isNull()
            || node.getValue().isEmpty()
            || !part.isSecret(catalog, e.key())) {
          continue;
        }
        if (e.aliased()) {
          aliases.add(PipelineYaml.error(e.path(), e.keyNode(), aliasMessage()));
        } else if (!PipelineYaml.REFERENCE.matcher(node.getValue()).find()) {
          out.add(new Secret(part.kind(), part.type(), part.path(), e.path(), node));
        }
      }
    }
    if (!aliases.isEmpty()) {
      throw new ValidationFailed(aliases);
    }
    return out;
  }

  /**
   * The message for a secret written as an alias: shared with the validator, which reports it
   * before a save.
   */
  static String aliasMessage() {
    return "a secret cannot be a YAML alias (*name); write the value, or a ${secret:NAME} reference, here";
  }

  /**
   * Scalars that can hold references: every value of every part, aliases excluded (their text is
   * elsewhere).
   */
  private static List<Entry> referenceCandidates(Node root) {
    List<Entry> out = new ArrayList<>();
    for (Part part : parts(root)) {
      PipelineYaml.scalars(part.flat()).stream()
          .filter(e -> !e.aliased() && !e.isNull())
          .forEach(out::add);
    }
    return out;
  }
}
