package io.cdcconsole.pipeline;

import io.cdcconsole.error.FieldError;
import io.cdcconsole.error.ValidationFailed;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * The pipeline YAML as a node tree with positions, shared by the validator and {@link
 * SecretFields}. Only the node API is used (compose, never construct), so no tag can instantiate
 * anything; aliases, nesting and size are capped so that a hostile document cannot exhaust memory.
 * Text edits go through node positions, so everything else in the document (comments, order,
 * quoting, blank lines) stays as the user wrote it.
 */
final class PipelineYaml {
  /** The API accepts 256 KiB; code points never outnumber bytes, so this only adds a margin. */
  static final int MAX_CODE_POINTS = 256 * 1024 + 1024;

  static final int MAX_NESTING = 20;
  static final int MAX_ALIASES = 10;

  /**
   * {@code ${secret:NAME}}: a reference to a named secret, resolved only when the pipeline is
   * submitted.
   */
  static final Pattern REFERENCE =
      Pattern.compile("\\$\\{secret:([A-Za-z0-9][A-Za-z0-9_.-]{0,62})}");

  /**
   * Plain text that no YAML reader takes for a number: Flink CDC's Jackson reads "1e5" as 100000.0.
   */
  private static final Pattern PLAIN_SAFE = Pattern.compile("[A-Za-z/=()_][A-Za-z0-9+/=()_.-]*");

  private static final Resolver RESOLVER = new Resolver();

  /**
   * A key of a mapping with its value; {@code key} is the dotted name relative to the section for
   * options. {@code aliased}: the value, or a mapping it lies in, is an alias ({@code *name}) of a
   * node written elsewhere.
   */
  record Entry(String key, String path, ScalarNode keyNode, Node value, boolean aliased) {

    Entry(String key, String path, ScalarNode keyNode, Node value) {
      this(key, path, keyNode, value, isAlias(keyNode, value));
    }

    boolean isNull() {
      return value instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
    }
  }

  /**
   * The options of a section, flattened, and what was wrong with its structure (non-scalar keys,
   * duplicates).
   */
  record Flat(List<Entry> options, List<FieldError> problems) {}

  /** A replacement of a code-point range [start, end) of the text. */
  record Edit(int start, int end, String text) {}

  private PipelineYaml() {}

  /**
   * Composes the document; empty when it holds no node (empty, or comments only). Syntax errors and
   * exceeded limits become a {@link ValidationFailed} with one error at the problem's position.
   */
  static Optional<Node> compose(String yaml) {
    PipelineDocuments.requireWorker();
    String text = yaml == null ? "" : yaml;
    if (text.codePointCount(0, text.length()) > MAX_CODE_POINTS) {
      throw new ValidationFailed(
          List.of(new FieldError("", null, null, "the YAML is too large: at most 256 KiB")));
    }
    try {
      return Optional.ofNullable(new Yaml(loaderOptions()).compose(new StringReader(text)));
    } catch (MarkedYAMLException e) {
      // problem and context are fixed phrases (at most a character or an anchor name), never the
      // offending line
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String problem = e.getProblem() != null ? e.getProblem() : "the YAML is not well-formed";
      String message =
          "YAML syntax error: "
              + problem
              + (e.getContext() != null ? " (" + e.getContext() + ")" : "");
      throw new ValidationFailed(
          List.of(
              mark == null
                  ? new FieldError("", null, null, message)
                  : new FieldError("", mark.getLine() + 1, mark.getColumn() + 1, message)));
    } catch (YAMLException e) {
      throw new ValidationFailed(
          List.of(new FieldError("", null, null, "the YAML cannot be read: " + e.getMessage())));
    }
  }

  private static LoaderOptions loaderOptions() {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(
        false); // honoured by constructors only: duplicates are checked on the node tree
    options.setAllowRecursiveKeys(false);
    options.setMaxAliasesForCollections(MAX_ALIASES);
    options.setNestingDepthLimit(MAX_NESTING);
    options.setCodePointLimit(MAX_CODE_POINTS);
    options.setProcessComments(false);
    return options;
  }

  /**
   * Every explicit tag ({@code !!timestamp}, {@code !custom}) of a document that composes. Flink
   * CDC takes every value as text, and a tag only makes a YAML library construct a typed value,
   * whose error quotes the value: with a tag on a secret, the plaintext would end up in the error.
   * The message names the tag, never the value.
   */
  static List<FieldError> explicitTags(String yaml) {
    PipelineDocuments.requireWorker();
    List<FieldError> out = new ArrayList<>();
    for (Event e : new Yaml(loaderOptions()).parse(new StringReader(yaml))) {
      String tag =
          e instanceof ScalarEvent s
              ? s.getTag()
              : e instanceof CollectionStartEvent c ? c.getTag() : null;
      if (tag != null) {
        Mark m = e.getStartMark();
        out.add(
            new FieldError(
                "",
                m.getLine() + 1,
                m.getColumn() + 1,
                "YAML tags are not allowed (" + tag + "): write the value as plain text"));
      }
    }
    return out;
  }

  static FieldError error(String path, Node at, String message) {
    Mark mark = at.getStartMark();
    return new FieldError(path, mark.getLine() + 1, mark.getColumn() + 1, message);
  }

  /** The entries of a mapping whose keys are scalars, in document order. */
  static List<Entry> entries(MappingNode mapping, String parentPath) {
    List<Entry> out = new ArrayList<>();
    for (NodeTuple t : mapping.getValue()) {
      if (t.getKeyNode() instanceof ScalarNode k) {
        out.add(new Entry(k.getValue(), join(parentPath, k.getValue()), k, t.getValueNode()));
      }
    }
    return out;
  }

  /** The first entry with that key (duplicates are reported, never chosen between). */
  static Optional<Entry> get(MappingNode mapping, String key) {
    return entries(mapping, "").stream().filter(e -> e.key().equals(key)).findFirst();
  }

  /** An alias re-uses the anchored node, whose position lies before the key that refers to it. */
  static boolean isAlias(Node key, Node value) {
    return value.getStartMark().getIndex() < key.getEndMark().getIndex();
  }

  /** The {@code type} of a section, when it is written as a plain value. */
  static Optional<String> type(MappingNode section) {
    return get(section, "type")
        .map(Entry::value)
        .filter(ScalarNode.class::isInstance)
        .map(n -> ((ScalarNode) n).getValue().trim());
  }

  /**
   * The options of a section as Flink CDC sees them: nested mappings joined into dotted keys
   * ({@code properties: {bootstrap.servers: x}} is {@code properties.bootstrap.servers}). Each
   * entry's value is a scalar or a sequence, never a mapping. The same key written twice (literally
   * or once nested) is a problem.
   */
  static Flat options(MappingNode section, String sectionPath) {
    return options(section, sectionPath, Set.of());
  }

  /**
   * As {@link #options(MappingNode, String)}, but the values of the {@code opaque} keys are taken
   * as they are.
   */
  static Flat options(MappingNode section, String sectionPath, Set<String> opaque) {
    List<Entry> options = new ArrayList<>();
    List<FieldError> problems = new ArrayList<>();
    flatten(section, "", sectionPath, opaque, false, 0, options, problems);
    Map<String, Entry> seen = new HashMap<>();
    for (Entry e : options) {
      Entry first = seen.putIfAbsent(e.key(), e);
      if (first != null) {
        problems.add(
            error(
                e.path(),
                e.keyNode(),
                "duplicate key '"
                    + e.key()
                    + "' (first at line "
                    + (first.keyNode().getStartMark().getLine() + 1)
                    + ")"));
      }
    }
    return new Flat(options, problems);
  }

  private static void flatten(
      MappingNode mapping,
      String prefix,
      String sectionPath,
      Set<String> opaque,
      boolean aliased,
      int depth,
      List<Entry> out,
      List<FieldError> problems) {
    for (NodeTuple t : mapping.getValue()) {
      if (!(t.getKeyNode() instanceof ScalarNode k)) {
        problems.add(
            error(join(sectionPath, prefix), t.getKeyNode(), "option names must be plain text"));
        continue;
      }
      String key = prefix.isEmpty() ? k.getValue() : prefix + "." + k.getValue();
      boolean valueAliased = aliased || isAlias(k, t.getValueNode());
      if (t.getValueNode() instanceof MappingNode nested
          && depth < MAX_NESTING
          && !opaque.contains(key)) {
        flatten(nested, key, sectionPath, Set.of(), valueAliased, depth + 1, out, problems);
      } else {
        out.add(new Entry(key, join(sectionPath, key), k, t.getValueNode(), valueAliased));
      }
    }
  }

  /**
   * Every scalar value in a section with its path: option values, and items of list values ({@code
   * sink.include.schema.changes[0]}).
   */
  static List<Entry> scalars(Flat flat) {
    List<Entry> out = new ArrayList<>();
    for (Entry e : flat.options()) {
      if (e.value() instanceof ScalarNode) {
        out.add(e);
      } else if (e.value() instanceof SequenceNode seq) {
        List<Node> items = seq.getValue();
        for (int i = 0; i < items.size(); i++) {
          if (items.get(i) instanceof ScalarNode) {
            out.add(
                new Entry(
                    e.key(),
                    e.path() + "[" + i + "]",
                    e.keyNode(),
                    items.get(i),
                    e.aliased() || isAlias(e.keyNode(), items.get(i))));
          }
        }
      }
    }
    return out;
  }

  /**
   * The edit that replaces a scalar's value by {@code value}, written as a safe scalar. The node's
   * range starts at its anchor or tag, which are kept, and ends after the line breaks of a block
   * scalar, which are kept too.
   */
  static Edit replaceValue(String text, CodePoints cp, ScalarNode node, String value) {
    int start = cp.charIndex(node.getStartMark().getIndex());
    int end = cp.charIndex(node.getEndMark().getIndex());
    while (start < end && (text.charAt(start) == '&' || text.charAt(start) == '!')) {
      while (start < end && !Character.isWhitespace(text.charAt(start))) {
        start++;
      }
      while (start < end && Character.isWhitespace(text.charAt(start))) {
        start++;
      }
    }
    while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
      end--;
    }
    return new Edit(start, end, scalar(value));
  }

  /** Applies non-overlapping edits given in char indexes. */
  static String apply(String text, List<Edit> edits) {
    if (edits.isEmpty()) {
      return text;
    }
    List<Edit> sorted = new ArrayList<>(edits);
    sorted.sort(Comparator.comparingInt(Edit::start));
    StringBuilder out = new StringBuilder(text.length() + 64 * edits.size());
    int at = 0;
    for (Edit e : sorted) {
      out.append(text, at, e.start()).append(e.text());
      at = e.end();
    }
    return out.append(text, at, text.length()).toString();
  }

  /**
   * A YAML scalar that reads back as exactly {@code value}, as a string: plain when it is made of
   * {@code [A-Za-z0-9+/=()_.-]}, does not start with a digit or one of {@code +.-} and would not
   * read as a boolean or null; otherwise double-quoted, with every character that could break the
   * line or the quoting escaped.
   */
  static String scalar(String value) {
    if (PLAIN_SAFE.matcher(value).matches()
        && RESOLVER.resolve(NodeId.scalar, value, true).equals(Tag.STR)) {
      return value;
    }
    StringBuilder out = new StringBuilder(value.length() + 2).append('"');
    value
        .codePoints()
        .forEach(
            c -> {
              switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case 0 -> out.append("\\0");
                default -> {
                  if (c < 0x20
                      || (c >= 0x7f && c < 0xa0)
                      || c == 0x2028
                      || c == 0x2029
                      || c == 0xfeff
                      || (c >= 0xd800 && c <= 0xdfff)) {
                    out.append(String.format("\\u%04X", c));
                  } else {
                    out.appendCodePoint(c);
                  }
                }
              }
            });
    return out.append('"').toString();
  }

  static String join(String parent, String key) {
    return parent.isEmpty() ? key : key.isEmpty() ? parent : parent + "." + key;
  }

  /**
   * Snakeyaml positions count code points; Java strings count UTF-16 chars. The table is built once
   * per document: walking the text for each lookup made a document with one emoji and a thousand
   * secrets quadratic (review M6).
   */
  static final class CodePoints {
    /**
     * The char index of each code point index, up to the end; null when every code point is one
     * char.
     */
    private final int[] chars;

    CodePoints(String text) {
      int count = text.codePointCount(0, text.length());
      if (count == text.length()) {
        chars = null;
        return;
      }
      chars = new int[count + 1];
      int at = 0;
      for (int i = 0; i < count; i++) {
        chars[i] = at;
        at += Character.charCount(text.codePointAt(at));
      }
      chars[count] = at;
    }

    int charIndex(int codePointIndex) {
      return chars == null ? codePointIndex : chars[codePointIndex];
    }
  }
}
