package io.cdcconsole.pipeline;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The Flink CDC pipeline connectors the console knows: which options each one requires, which hold
 * secrets, and from which Flink CDC release it exists. The knowledge is data ({@value #RESOURCE},
 * documented there) so that a new connector or option is a change to that file, not to the
 * validator. Immutable and thread-safe.
 */
public final class ConnectorCatalog {
  public static final String RESOURCE = "connectors/connectors.yaml";

  /** Which side of a pipeline a connector serves: the YAML section it is configured in. */
  public enum Kind {
    SOURCE,
    SINK;

    /** The YAML section name: "source" or "sink". */
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Kind of(String key) {
      return Kind.valueOf(key.trim().toUpperCase(Locale.ROOT));
    }
  }

  /**
   * One connector. {@code options} is empty when the catalogue does not list the connector's option
   * names; then every name is accepted. {@code endpoints}: the options that say where it connects
   * to, which stored secrets are bound to.
   */
  public record Connector(
      String type,
      Kind kind,
      String title,
      Version since,
      List<String> required,
      List<String> secrets,
      List<String> endpoints,
      List<String> prefixes,
      Optional<List<String>> options,
      Map<String, Version> optionsSince) {

    public Connector {
      optionsSince = Map.copyOf(optionsSince);
      required = List.copyOf(required);
      secrets = List.copyOf(secrets);
      endpoints = List.copyOf(endpoints);
      prefixes = List.copyOf(prefixes);
      options = options.map(List::copyOf);
    }

    /**
     * True when the option is listed, is required, or lies under a pass-through prefix; always when
     * unlisted.
     */
    public boolean knowsOption(String key) {
      return options.isEmpty()
          || options.get().contains(key)
          || required.contains(key)
          || prefixes.stream().anyMatch(key::startsWith);
    }

    public JsonObject toJson() {
      JsonObject json =
          new JsonObject()
              .put("type", type)
              .put("kind", kind.key())
              .put("title", title)
              .put("since", since.toString())
              .put("required", new JsonArray(required))
              .put("secrets", new JsonArray(secrets))
              .put("endpoints", new JsonArray(endpoints))
              .put("prefixes", new JsonArray(prefixes));
      options.ifPresent(o -> json.put("options", new JsonArray(o)));
      if (!optionsSince.isEmpty()) {
        JsonObject since = new JsonObject();
        new java.util.TreeMap<>(optionsSince).forEach((k, v) -> since.put(k, v.toString()));
        json.put("optionsSince", since);
      }
      return json;
    }
  }

  private final List<Connector> connectors;
  private final Map<String, Connector> byKey;
  private final List<String> secretKeyPatterns;
  private final List<SecretKeyPattern> globalSecrets;
  private final Map<String, List<SecretKeyPattern>> connectorSecrets;
  private final List<String> endpointKeyPatterns;
  private final List<SecretKeyPattern> globalEndpoints;
  private final Map<String, List<SecretKeyPattern>> connectorEndpoints;

  private ConnectorCatalog(
      List<Connector> connectors,
      List<String> secretKeyPatterns,
      List<String> endpointKeyPatterns) {
    this.connectors = List.copyOf(connectors);
    this.byKey = new LinkedHashMap<>();
    this.connectorSecrets = new LinkedHashMap<>();
    this.connectorEndpoints = new LinkedHashMap<>();
    for (Connector c : connectors) {
      String key = key(c.kind(), c.type());
      if (byKey.put(key, c) != null) {
        throw new IllegalStateException(
            "connector catalogue: " + c.kind().key() + " '" + c.type() + "' is listed twice");
      }
      connectorSecrets.put(
          key, c.secrets().stream().map(p -> SecretKeyPattern.of(p, true)).toList());
      connectorEndpoints.put(
          key, c.endpoints().stream().map(p -> SecretKeyPattern.of(p, true)).toList());
    }
    this.secretKeyPatterns = List.copyOf(secretKeyPatterns);
    this.globalSecrets =
        secretKeyPatterns.stream().map(p -> SecretKeyPattern.of(p, false)).toList();
    this.endpointKeyPatterns = List.copyOf(endpointKeyPatterns);
    this.globalEndpoints =
        endpointKeyPatterns.stream().map(p -> SecretKeyPattern.of(p, false)).toList();
  }

  /** The catalogue shipped with the console, read from the classpath once. */
  public static ConnectorCatalog builtIn() {
    return BuiltIn.CATALOG;
  }

  /**
   * Reads a catalogue in the format of {@value #RESOURCE}; throws {@link IllegalStateException}
   * naming what is wrong.
   */
  public static ConnectorCatalog parse(String yaml) {
    Object loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    Map<?, ?> root = as(Map.class, loaded, "the document");
    List<Connector> connectors = new ArrayList<>();
    for (Object item : as(List.class, root.get("connectors"), "connectors")) {
      Map<?, ?> m = as(Map.class, item, "a connectors entry");
      String type = text(m, "type");
      String where = "connector '" + type + "'";
      Kind kind;
      try {
        kind = Kind.of(text(m, "kind"));
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException(
            "connector catalogue: " + where + ": kind must be source or sink");
      }
      Version since =
          Version.tryParse(text(m, "since"))
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "connector catalogue: " + where + ": since is not a version"));
      Object options = m.get("options");
      connectors.add(
          new Connector(
              type,
              kind,
              m.get("title") == null ? type : text(m, "title"),
              since,
              strings(m.get("required"), where + " required"),
              strings(m.get("secrets"), where + " secrets"),
              strings(m.get("endpoints"), where + " endpoints"),
              strings(m.get("prefixes"), where + " prefixes"),
              options == null
                  ? Optional.empty()
                  : Optional.of(strings(options, where + " options")),
              versions(m.get("optionsSince"), where + " optionsSince")));
    }
    return new ConnectorCatalog(
        connectors,
        strings(root.get("secretKeyPatterns"), "secretKeyPatterns"),
        strings(root.get("endpointKeyPatterns"), "endpointKeyPatterns"));
  }

  /** {@code {option: version}}; absent is empty. */
  private static Map<String, Version> versions(Object value, String where) {
    if (value == null) {
      return Map.of();
    }
    Map<String, Version> versions = new java.util.LinkedHashMap<>();
    as(Map.class, value, where)
        .forEach(
            (k, v) ->
                versions.put(
                    String.valueOf(k),
                    Version.tryParse(String.valueOf(v))
                        .orElseThrow(
                            () ->
                                new IllegalStateException(
                                    "connector catalogue: "
                                        + where
                                        + ": "
                                        + k
                                        + " is not a version"))));
    return versions;
  }

  public List<Connector> connectors() {
    return connectors;
  }

  /**
   * The global patterns of secret option keys, as the catalogue writes them ("*password",
   * "jaas.config", ...).
   */
  public List<String> secretKeyPatterns() {
    return secretKeyPatterns;
  }

  /**
   * The global patterns of option keys that say where a connector connects to ("*host", "port",
   * "*url", ...).
   */
  public List<String> endpointKeyPatterns() {
    return endpointKeyPatterns;
  }

  public List<Connector> connectors(Kind kind) {
    return connectors.stream().filter(c -> c.kind() == kind).toList();
  }

  /**
   * The connector types of one kind, in catalogue order: for messages that list what is possible.
   */
  public List<String> types(Kind kind) {
    return connectors(kind).stream().map(Connector::type).toList();
  }

  /** Connector types are matched exactly, as Flink CDC matches factory identifiers. */
  public Optional<Connector> find(Kind kind, String type) {
    return type == null ? Optional.empty() : Optional.ofNullable(byKey.get(key(kind, type)));
  }

  public Optional<Version> since(Kind kind, String type) {
    return find(kind, type).map(Connector::since);
  }

  /**
   * Whether the value of {@code optionKey} (a flat dotted key such as {@code
   * properties.sasl.jaas.config}) in a connector of that kind and type is a secret: listed by the
   * connector, or matching a global pattern. An unknown type (or null) is judged by the global
   * patterns alone.
   */
  public boolean isSecret(Kind kind, String type, String optionKey) {
    if (optionKey == null || optionKey.isEmpty()) {
      return false;
    }
    List<String> segments = SecretKeyPattern.segments(optionKey);
    return isSecretKey(optionKey)
        || (type != null
            && connectorSecrets.getOrDefault(key(kind, type), List.of()).stream()
                .anyMatch(p -> p.matches(segments)));
  }

  /** Whether a key is secret by the global {@code secretKeyPatterns} alone, wherever it appears. */
  public boolean isSecretKey(String optionKey) {
    if (optionKey == null || optionKey.isEmpty()) {
      return false;
    }
    List<String> segments = SecretKeyPattern.segments(optionKey);
    return globalSecrets.stream().anyMatch(p -> p.matches(segments));
  }

  /**
   * Whether {@code optionKey} says where a connector (or, with no kind, a model) connects to:
   * listed by the connector as an endpoint, or matching a global endpoint pattern. A stored secret
   * is bound to these options (review M8).
   */
  public boolean isEndpoint(Optional<Kind> kind, String type, String optionKey) {
    if (optionKey == null || optionKey.isEmpty()) {
      return false;
    }
    List<String> segments = SecretKeyPattern.segments(optionKey);
    return globalEndpoints.stream().anyMatch(p -> p.matches(segments))
        || (kind.isPresent()
            && type != null
            && connectorEndpoints.getOrDefault(key(kind.get(), type), List.of()).stream()
                .anyMatch(p -> p.matches(segments)));
  }

  private static String key(Kind kind, String type) {
    return kind.key() + ":" + type;
  }

  /**
   * An option key pattern (secret or endpoint): dot-separated segments compared ignoring case, '-'
   * and '_'; a leading '*' makes the first segment match any segment ending with the rest. Anchored
   * patterns match the whole key (connector {@code secrets}); the others match its last segments
   * (global {@code secretKeyPatterns}).
   */
  private record SecretKeyPattern(List<String> segments, boolean suffixGlob, boolean anchored) {

    static SecretKeyPattern of(String pattern, boolean anchored) {
      boolean glob = pattern.startsWith("*");
      List<String> segments = segments(glob ? pattern.substring(1) : pattern);
      if (segments.isEmpty() || segments.contains("")) {
        throw new IllegalStateException(
            "connector catalogue: bad secret pattern '" + pattern + "'");
      }
      return new SecretKeyPattern(segments, glob, anchored);
    }

    static List<String> segments(String key) {
      List<String> out = new ArrayList<>();
      for (String s : key.split("\\.", -1)) {
        out.add(s.toLowerCase(Locale.ROOT).replace("-", "").replace("_", ""));
      }
      return out;
    }

    boolean matches(List<String> key) {
      int offset = key.size() - segments.size();
      if (offset < 0 || (anchored && offset != 0)) {
        return false;
      }
      String first = key.get(offset);
      if (suffixGlob ? !first.endsWith(segments.get(0)) : !first.equals(segments.get(0))) {
        return false;
      }
      return key.subList(offset + 1, key.size()).equals(segments.subList(1, segments.size()));
    }
  }

  private static final class BuiltIn {
    static final ConnectorCatalog CATALOG = load();

    private static ConnectorCatalog load() {
      try (InputStream in = ConnectorCatalog.class.getClassLoader().getResourceAsStream(RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException(
              "connector catalogue " + RESOURCE + " is missing from the classpath");
        }
        return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new IllegalStateException("cannot read the connector catalogue " + RESOURCE, e);
      }
    }
  }

  private static <T> T as(Class<T> type, Object value, String what) {
    if (!type.isInstance(value)) {
      throw new IllegalStateException(
          "connector catalogue: "
              + what
              + " must be a "
              + type.getSimpleName().toLowerCase(Locale.ROOT));
    }
    return type.cast(value);
  }

  private static String text(Map<?, ?> m, String key) {
    Object v = m.get(key);
    if (v == null || v instanceof Collection || v instanceof Map) {
      throw new IllegalStateException(
          "connector catalogue: '" + key + "' must be a value in " + m.get("type"));
    }
    return v.toString();
  }

  private static List<String> strings(Object value, String what) {
    if (value == null) {
      return List.of();
    }
    List<?> list = as(List.class, value, what);
    return list.stream().map(String::valueOf).toList();
  }
}
