package io.cdcconsole.pipeline;

import io.cdcconsole.error.FieldError;
import io.cdcconsole.error.ValidationFailed;
import io.cdcconsole.pipeline.ConnectorCatalog.Connector;
import io.cdcconsole.pipeline.ConnectorCatalog.Kind;
import io.cdcconsole.pipeline.PipelineYaml.Entry;
import io.cdcconsole.pipeline.PipelineYaml.Flat;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Checks a Flink CDC pipeline definition before it is saved, so that the user learns at the editor,
 * with line and column, what Flink CDC would only report when the job is submitted. The rules
 * follow Flink CDC's YamlPipelineDefinitionParser and the connector factories' required options
 * (see the {@link ConnectorCatalog}). Errors block a save; warnings (a connector newer than the
 * cluster, an option the connector does not know, a key newer Flink CDC releases reject) do not.
 * Messages never quote the value of a secret option.
 */
public final class PipelineYamlValidator {
  static final List<String> TOP_LEVEL = List.of("source", "sink", "route", "transform", "pipeline");

  /** Flink CDC's SchemaChangeBehavior; it parses the value ignoring case. */
  static final List<String> SCHEMA_CHANGE_BEHAVIORS =
      List.of("IGNORE", "LENIENT", "TRY_EVOLVE", "EVOLVE", "EXCEPTION");

  /** LENIENT and TRY_EVOLVE came with Flink CDC 3.2.0. */
  private static final Version NEWER_BEHAVIORS = new Version(3, 2, 0);

  /** Route and transform keys that Flink CDC reads; 3.6.0 and later reject any other. */
  private static final ListSection ROUTE =
      new ListSection(
          "route", List.of("source-table", "sink-table"), List.of("replace-symbol", "description"));

  private static final ListSection TRANSFORM =
      new ListSection(
          "transform",
          List.of("source-table"),
          List.of(
              "projection",
              "filter",
              "primary-keys",
              "partition-keys",
              "table-options",
              "table-options.delimiter",
              "description",
              "converter-after-transform"));

  /**
   * Sink keys Flink CDC takes out before the connector sees the options; their values are lists.
   */
  private static final Set<String> SINK_LIST_KEYS =
      Set.of("include.schema.changes", "exclude.schema.changes");

  /** Pipeline keys whose values are structures (UDF and model definitions), not options. */
  private static final Set<String> PIPELINE_STRUCTURES = Set.of("user-defined-function", "model");

  /**
   * Secret options per definition, source and sink together. Real connectors take a handful; each
   * one is encrypted on save and rewritten on every read, so thousands of them are only a way to
   * make reads expensive (review M6).
   */
  public static final int MAX_SECRETS = 200;

  private static final Pattern WHOLE_NUMBER = Pattern.compile("\\+?\\d{1,10}");

  /**
   * The outcome: errors make the definition unusable, warnings are worth reading. Both are in
   * document order.
   */
  public record Validation(List<FieldError> errors, List<FieldError> warnings) {
    public Validation {
      errors = List.copyOf(errors);
      warnings = List.copyOf(warnings);
    }

    public boolean valid() {
      return errors.isEmpty();
    }
  }

  /**
   * A list-valued top-level section (route, transform) whose items are mappings with required keys.
   */
  private record ListSection(String name, List<String> required, List<String> optional) {}

  private final ConnectorCatalog catalog;

  public PipelineYamlValidator(ConnectorCatalog catalog) {
    this.catalog = catalog;
  }

  /** The errors alone, for callers that do not know the cluster. */
  public List<FieldError> validate(String yaml) {
    return validate(yaml, Optional.empty()).errors();
  }

  /** Throws {@link ValidationFailed} with every error; returns the warnings otherwise. */
  public List<FieldError> requireValid(String yaml, Optional<String> clusterCdcVersion) {
    Validation v = validate(yaml, clusterCdcVersion);
    if (!v.valid()) {
      throw new ValidationFailed(v.errors());
    }
    return v.warnings();
  }

  /**
   * Validates a definition; {@code clusterCdcVersion} is the Flink CDC version of the cluster it
   * will run on, when known (an unreadable version is ignored: it is not the definition's fault).
   */
  public Validation validate(String yaml, Optional<String> clusterCdcVersion) {
    Run run = new Run(clusterCdcVersion.flatMap(Version::tryParse));
    Optional<Node> root;
    try {
      root = PipelineYaml.compose(yaml);
    } catch (ValidationFailed e) {
      return new Validation(e.errors(), List.of());
    }
    if (root.isEmpty()) {
      run.errors.add(
          new FieldError(
              "", 1, 1, "the pipeline definition is empty: it needs at least a source and a sink"));
    } else if (!(root.get() instanceof MappingNode top)) {
      run.errors.add(
          PipelineYaml.error(
              "",
              root.get(),
              "the top level must be a mapping with the keys " + String.join(", ", TOP_LEVEL)));
    } else {
      run.errors.addAll(PipelineYaml.explicitTags(yaml));
      run.document(top);
    }
    return run.result();
  }

  /** One validation: the findings and what they depend on. */
  private final class Run {
    final Optional<Version> cluster;
    final List<FieldError> errors = new ArrayList<>();
    final List<FieldError> warnings = new ArrayList<>();

    /**
     * Collections already walked, by identity: an alias re-uses its node, so a walk must not repeat
     * it.
     */
    final Set<Node> walked = Collections.newSetFromMap(new IdentityHashMap<>());

    /**
     * The collections the walk is inside of: meeting one again means the document contains itself.
     */
    final Set<Node> open = Collections.newSetFromMap(new IdentityHashMap<>());

    int secrets;

    Run(Optional<Version> cluster) {
      this.cluster = cluster;
    }

    Validation result() {
      Comparator<FieldError> byPosition =
          Comparator.comparing((FieldError e) -> e.line() == null ? 0 : e.line())
              .thenComparing(e -> e.column() == null ? 0 : e.column());
      errors.sort(byPosition);
      warnings.sort(byPosition);
      return new Validation(errors, warnings);
    }

    void document(MappingNode top) {
      // duplicates in source, sink and pipeline are found on their flattened options
      duplicates(top, "", 0, Set.of("source", "sink", "pipeline"));
      for (NodeTuple t : top.getValue()) {
        if (!(t.getKeyNode() instanceof ScalarNode k)) {
          errors.add(
              PipelineYaml.error(
                  "",
                  t.getKeyNode(),
                  "top-level keys must be plain names: " + String.join(", ", TOP_LEVEL)));
        } else if (!TOP_LEVEL.contains(k.getValue())) {
          errors.add(
              PipelineYaml.error(
                  k.getValue(),
                  k,
                  "unknown top-level key '"
                      + k.getValue()
                      + "'; allowed: "
                      + String.join(", ", TOP_LEVEL)));
        }
      }
      for (Kind kind : Kind.values()) {
        Optional<Entry> section = PipelineYaml.get(top, kind.key());
        if (section.isEmpty()) {
          errors.add(
              PipelineYaml.error(
                  kind.key(),
                  top,
                  "missing required section '"
                      + kind.key()
                      + "': the "
                      + (kind == Kind.SOURCE
                          ? "connector to read from"
                          : "connector to write to")));
        } else {
          connector(kind, section.get());
        }
      }
      PipelineYaml.get(top, ROUTE.name()).ifPresent(e -> list(ROUTE, e));
      PipelineYaml.get(top, TRANSFORM.name()).ifPresent(e -> list(TRANSFORM, e));
      PipelineYaml.get(top, "pipeline").ifPresent(this::pipeline);
    }

    void connector(Kind kind, Entry section) {
      String name = kind.key();
      if (!(section.value() instanceof MappingNode mapping)) {
        errors.add(
            PipelineYaml.error(
                name,
                at(section),
                "must be a mapping of connector options, starting with "
                    + "'type' (one of "
                    + String.join(", ", catalog.types(kind))
                    + ")"));
        return;
      }
      Flat flat = PipelineYaml.options(mapping, name);
      errors.addAll(flat.problems());
      Map<String, Entry> options = new HashMap<>();
      flat.options().forEach(o -> options.putIfAbsent(o.key(), o));

      Optional<Connector> connector = type(kind, section, options.get("type"));
      for (Entry o : flat.options()) {
        option(kind, connector, o);
      }
      connector.ifPresent(
          c -> {
            for (String required : c.required()) {
              Entry o = options.get(required);
              if (o == null) {
                errors.add(
                    PipelineYaml.error(
                        PipelineYaml.join(name, required),
                        section.keyNode(),
                        "missing required option '"
                            + required
                            + "' of the "
                            + c.type()
                            + " "
                            + name));
              } else if (o.isNull()) {
                errors.add(
                    PipelineYaml.error(
                        o.path(),
                        o.keyNode(),
                        "the "
                            + c.type()
                            + " "
                            + name
                            + " requires a value for '"
                            + required
                            + "'"));
              }
            }
          });
    }

    /** Checks {@code type}; the connector when it is a known one. */
    Optional<Connector> type(Kind kind, Entry section, Entry type) {
      String name = kind.key();
      List<String> known = catalog.types(kind);
      if (type == null) {
        errors.add(
            PipelineYaml.error(
                name + ".type",
                section.keyNode(),
                "missing 'type': the " + name + " connector, one of " + String.join(", ", known)));
        return Optional.empty();
      }
      if (!(type.value() instanceof ScalarNode s) || type.isNull() || s.getValue().isBlank()) {
        errors.add(
            PipelineYaml.error(
                type.path(),
                at(type),
                "'type' must name the " + name + " connector, one of " + String.join(", ", known)));
        return Optional.empty();
      }
      String value = s.getValue().trim();
      Optional<Connector> connector = catalog.find(kind, value);
      if (connector.isEmpty()) {
        Kind other = kind == Kind.SOURCE ? Kind.SINK : Kind.SOURCE;
        String why =
            catalog.find(other, value).isPresent()
                ? "'" + value + "' is a " + other.key() + " connector, not a " + name
                : "unknown " + name + " type '" + value + "'";
        errors.add(
            PipelineYaml.error(
                type.path(), s, why + "; known " + name + " types: " + String.join(", ", known)));
        return Optional.empty();
      }
      Connector c = connector.get();
      // the cluster's Flink CDC (detected, else stated) lacks it: the job could only fail there
      cluster
          .filter(c.since()::isAfter)
          .ifPresent(
              v ->
                  errors.add(
                      PipelineYaml.error(
                          type.path(),
                          s,
                          "the "
                              + c.type()
                              + " "
                              + name
                              + " connector needs Flink CDC "
                              + c.since()
                              + " or later; the cluster runs "
                              + v)));
      return connector;
    }

    /** The shape of one option's value, its aliasing, and whether the connector knows its name. */
    void option(Kind kind, Optional<Connector> connector, Entry o) {
      String type = connector.map(Connector::type).orElse(null);
      boolean listKey = kind == Kind.SINK && SINK_LIST_KEYS.contains(o.key());
      if (o.value() instanceof SequenceNode seq) {
        if (!listKey) {
          errors.add(PipelineYaml.error(o.path(), o.value(), "must be a single value, not a list"));
        } else if (seq.getValue().stream().anyMatch(n -> !(n instanceof ScalarNode))) {
          errors.add(
              PipelineYaml.error(o.path(), o.value(), "must be a list of schema change types"));
        }
      } else if (listKey && !o.isNull()) {
        errors.add(
            PipelineYaml.error(
                o.path(),
                at(o),
                "must be a list of schema change types, " + "e.g. [create.table, add.column]"));
      } else if (o.value() instanceof MappingNode) {
        errors.add(PipelineYaml.error(o.path(), o.value(), "is nested too deeply"));
      }
      if (o.value() instanceof ScalarNode s
          && !o.isNull()
          && !s.getValue().isEmpty()
          && catalog.isSecret(kind, type, o.key())
          && ++secrets == MAX_SECRETS + 1) {
        errors.add(
            PipelineYaml.error(
                o.path(),
                o.keyNode(),
                "too many secret options: at most " + MAX_SECRETS + " per pipeline"));
      }
      if (o.aliased() && catalog.isSecret(kind, type, o.key())) {
        errors.add(PipelineYaml.error(o.path(), o.keyNode(), SecretFields.aliasMessage()));
      } else if (o.aliased()
          && o.value() instanceof ScalarNode s
          && PipelineYaml.REFERENCE.matcher(s.getValue()).find()) {
        errors.add(
            PipelineYaml.error(
                o.path(),
                o.keyNode(),
                "a ${secret:NAME} reference cannot be used through a YAML alias; write it here"));
      }
      Version optionSince = connector.map(c -> c.optionsSince().get(o.key())).orElse(null);
      if (optionSince != null) {
        cluster
            .filter(optionSince::isAfter)
            .ifPresent(
                v ->
                    errors.add(
                        PipelineYaml.error(
                            o.path(),
                            o.keyNode(),
                            "the "
                                + type
                                + " "
                                + kind.key()
                                + " option '"
                                + o.key()
                                + "' needs Flink CDC "
                                + optionSince
                                + " or later; the cluster runs "
                                + v)));
      }
      if (connector.isPresent()
          && !o.key().equals("type")
          && !o.key().equals("name")
          && !listKey
          && !connector.get().knowsOption(o.key())) {
        Connector c = connector.get();
        warnings.add(
            PipelineYaml.error(
                o.path(),
                o.keyNode(),
                "the "
                    + c.type()
                    + " "
                    + kind.key()
                    + " has no option '"
                    + o.key()
                    + "'"
                    + suggestion(o.key(), c.options().orElse(List.of()))
                    + "; Flink CDC rejects options that a connector does not know"));
      }
    }

    void list(ListSection spec, Entry section) {
      if (!(section.value() instanceof SequenceNode seq)) {
        errors.add(
            PipelineYaml.error(
                spec.name(),
                at(section),
                "must be a list: start each " + spec.name() + " with '- '"));
        return;
      }
      List<Node> items = seq.getValue();
      for (int i = 0; i < items.size(); i++) {
        String path = spec.name() + "[" + i + "]";
        if (!(items.get(i) instanceof MappingNode item)) {
          errors.add(
              PipelineYaml.error(
                  path,
                  items.get(i),
                  "each "
                      + spec.name()
                      + " must be a mapping with "
                      + String.join(", ", spec.required())));
          continue;
        }
        List<Entry> entries = PipelineYaml.entries(item, path);
        for (String required : spec.required()) {
          Optional<Entry> e = entries.stream().filter(x -> x.key().equals(required)).findFirst();
          if (e.isEmpty()) {
            errors.add(
                PipelineYaml.error(
                    PipelineYaml.join(path, required),
                    item,
                    "missing required '" + required + "' in " + spec.name() + " " + (i + 1)));
          } else if (!(e.get().value() instanceof ScalarNode s)
              || e.get().isNull()
              || s.getValue().isBlank()) {
            errors.add(
                PipelineYaml.error(
                    e.get().path(),
                    at(e.get()),
                    "must name the tables, e.g. app_db.orders "
                        + "or app_db.\\.* (a regular expression)"));
          }
        }
        for (Entry e : entries) {
          if (!spec.required().contains(e.key()) && !spec.optional().contains(e.key())) {
            warnings.add(
                PipelineYaml.error(
                    e.path(),
                    e.keyNode(),
                    "unknown key '"
                        + e.key()
                        + "'"
                        + suggestion(e.key(), concat(spec.required(), spec.optional()))
                        + " in a "
                        + spec.name()
                        + "; Flink CDC 3.6 and later reject it, earlier versions ignore it"));
          }
        }
      }
    }

    void pipeline(Entry section) {
      if (!(section.value() instanceof MappingNode mapping)) {
        errors.add(
            PipelineYaml.error(
                "pipeline",
                at(section),
                "must be a mapping of pipeline options "
                    + "(name, parallelism, schema.change.behavior, ...)"));
        return;
      }
      Flat flat = PipelineYaml.options(mapping, "pipeline", PIPELINE_STRUCTURES);
      errors.addAll(flat.problems());
      for (Entry o : flat.options()) {
        switch (o.key()) {
          case "parallelism" -> parallelism(o);
          case "schema.change.behavior" -> schemaChangeBehavior(o);
          // structures (models, functions) and lists are not flattened: walk them for duplicates
          // and cycles
          default -> children(o.value(), o.path(), 1);
        }
      }
    }

    void parallelism(Entry o) {
      String value = o.value() instanceof ScalarNode s && !o.isNull() ? s.getValue().trim() : null;
      if (value == null
          || !WHOLE_NUMBER.matcher(value).matches()
          || Long.parseLong(value) < 1
          || Long.parseLong(value) > Integer.MAX_VALUE) {
        errors.add(
            PipelineYaml.error(
                o.path(),
                at(o),
                "must be a positive whole number"
                    + (value == null ? "" : ", got '" + value + "'")));
      }
    }

    void schemaChangeBehavior(Entry o) {
      String value = o.value() instanceof ScalarNode s && !o.isNull() ? s.getValue().trim() : null;
      String upper = value == null ? null : value.toUpperCase(Locale.ROOT);
      if (upper == null || !SCHEMA_CHANGE_BEHAVIORS.contains(upper)) {
        errors.add(
            PipelineYaml.error(
                o.path(),
                at(o),
                "must be one of "
                    + String.join(", ", SCHEMA_CHANGE_BEHAVIORS)
                    + (value == null ? "" : ", got '" + value + "'")));
      } else if ((upper.equals("LENIENT") || upper.equals("TRY_EVOLVE"))) {
        cluster
            .filter(NEWER_BEHAVIORS::isAfter)
            .ifPresent(
                v ->
                    errors.add(
                        PipelineYaml.error(
                            o.path(),
                            at(o),
                            upper
                                + " needs Flink CDC "
                                + NEWER_BEHAVIORS
                                + " or later; the cluster runs "
                                + v)));
      }
    }

    /** Duplicate keys anywhere but inside the skipped top-level keys, at the second occurrence. */
    void duplicates(MappingNode mapping, String path, int depth, Set<String> skip) {
      Map<String, ScalarNode> seen = new HashMap<>();
      for (Entry e : PipelineYaml.entries(mapping, path)) {
        ScalarNode first = seen.putIfAbsent(e.key(), e.keyNode());
        if (first != null) {
          errors.add(
              PipelineYaml.error(
                  e.path(),
                  e.keyNode(),
                  "duplicate key '"
                      + e.key()
                      + "' (first at line "
                      + (first.getStartMark().getLine() + 1)
                      + ")"));
        }
        if (!skip.contains(e.key()) && !e.aliased() && depth < PipelineYaml.MAX_NESTING) {
          children(e.value(), e.path(), depth + 1);
        }
      }
    }

    /**
     * Walks into a value. A sequence holding an alias of itself ({@code a: &a [*a]}) composes into
     * a cyclic tree, so the walk is bounded by depth and visits each collection once; a cycle is an
     * error (Flink CDC could not read it).
     */
    private void children(Node node, String path, int depth) {
      if (!(node instanceof MappingNode) && !(node instanceof SequenceNode)) {
        return;
      }
      if (open.contains(node)) {
        errors.add(
            PipelineYaml.error(
                path, node, "a YAML alias cannot refer to a list or mapping that contains it"));
        return;
      }
      if (depth > PipelineYaml.MAX_NESTING || !walked.add(node)) {
        return;
      }
      open.add(node);
      try {
        if (node instanceof MappingNode m) {
          duplicates(m, path, depth, Set.of());
        } else if (node instanceof SequenceNode seq) {
          for (int i = 0; i < seq.getValue().size(); i++) {
            children(seq.getValue().get(i), path + "[" + i + "]", depth + 1);
          }
        }
      } finally {
        open.remove(node);
      }
    }
  }

  /**
   * Where a bad value is reported: at the value, or at its key when there is no value to point at.
   */
  private static Node at(Entry e) {
    return e.isNull() ? e.keyNode() : e.value();
  }

  /** " (did you mean 'x'?)" for a name within two edits of a known one, else nothing. */
  static String suggestion(String name, List<String> known) {
    String best = null;
    int bestDistance = 3;
    for (String k : known) {
      int d = distance(name, k);
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    return best == null ? "" : " (did you mean '" + best + "'?)";
  }

  /** Levenshtein distance, for short option names only. */
  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
