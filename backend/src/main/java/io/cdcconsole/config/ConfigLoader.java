package io.cdcconsole.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Builds {@link ConsoleConfig} from defaults, then the YAML file ({@code --config FILE} or {@code
 * $CDC_CONSOLE_HOME/conf/cdc-console.yaml}), then {@code CDC_CONSOLE_*} environment variables.
 * Every error names where the bad value came from (file:line or the variable), so the operator can
 * fix it from one line of output.
 */
public final class ConfigLoader {
  public static final String HOME_ENV = "CDC_CONSOLE_HOME";
  public static final String CONFIG_FILE_NAME = "cdc-console.yaml";

  /** A raw value and where it came from, for messages. */
  private record Raw(String value, String origin) {}

  private final Map<String, String> env;
  private final Map<Setting, Raw> raw = new LinkedHashMap<>();
  private final List<String> warnings = new ArrayList<>();
  private SecretCipher cipher;

  private ConfigLoader(Map<String, String> env) {
    this.env = env;
  }

  /** The config and the cipher built from the master key it found. */
  public record Loaded(ConsoleConfig config, SecretCipher cipher) {}

  public static Path home(Map<String, String> env) {
    String home = env.get(HOME_ENV);
    return Path.of(home == null || home.isBlank() ? "data" : home).toAbsolutePath().normalize();
  }

  public static Loaded load(Optional<Path> configFile, Map<String, String> env)
      throws ConfigException {
    return new ConfigLoader(env).load(configFile);
  }

  private Loaded load(Optional<Path> explicitFile) throws ConfigException {
    Path home = home(env);
    Path file = explicitFile.orElse(home.resolve("conf").resolve(CONFIG_FILE_NAME));
    if (explicitFile.isPresent() && !Files.isRegularFile(file)) {
      throw new ConfigException("config file " + file + " does not exist or is not a file");
    }
    if (Files.isRegularFile(file)) {
      readFile(file);
    }
    for (Setting s : Setting.values()) {
      String fromEnv = env.get(s.env());
      if (fromEnv != null && !fromEnv.isEmpty()) {
        raw.put(s, new Raw(fromEnv, "environment variable " + s.env()));
      }
    }
    cipher = new SecretCipher(MasterKey.resolve(env, home.resolve("conf")));

    ConsoleConfig.Http http =
        new ConsoleConfig.Http(
            string(Setting.HTTP_HOST).orElseThrow(),
            integer(Setting.HTTP_PORT, 0, 65535),
            integer(Setting.HTTP_MAX_BODY_SIZE, 1024, 64 * 1024 * 1024),
            duration(Setting.HTTP_IDLE_TIMEOUT, Duration.ofSeconds(1), Duration.ofHours(1)),
            duration(Setting.HTTP_HEADER_TIMEOUT, Duration.ofMillis(100), Duration.ofHours(1)),
            raw.containsKey(Setting.HTTP_INSTANCES)
                ? integer(Setting.HTTP_INSTANCES, 1, 256)
                : Runtime.getRuntime().availableProcessors(),
            tls());
    Optional<String> dbUrl = string(Setting.DB_URL);
    if (dbUrl.isPresent()
        && !dbUrl.get().startsWith("jdbc:postgresql://")
        && !dbUrl.get().startsWith("postgresql://")
        && !dbUrl.get().startsWith("postgres://")) {
      throw new ConfigException(
          origin(Setting.DB_URL)
              + ": expected a PostgreSQL URL such as jdbc:postgresql://host:5432/cdc_console");
    }
    Optional<String> dbUser = string(Setting.DB_USER);
    if (dbUrl.isPresent() && dbUser.isEmpty()) {
      throw new ConfigException(
          "database.user (" + Setting.DB_USER.env() + ") is required when database.url is set");
    }
    ConsoleConfig.Database database =
        new ConsoleConfig.Database(
            dbUrl,
            dbUser.orElse("postgres"),
            secret(Setting.DB_PASSWORD),
            integer(Setting.DB_POOL_SIZE, 1, 100));
    ConsoleConfig.Auth auth =
        new ConsoleConfig.Auth(
            secret(Setting.JWT_SECRET),
            duration(Setting.TOKEN_LIFETIME, Duration.ofMinutes(1), Duration.ofDays(30)),
            secret(Setting.ADMIN_PASSWORD),
            integer(Setting.PASSWORD_HASH_COST, 10, 16),
            new ConsoleConfig.Lockout(
                integer(Setting.LOCKOUT_MAX_FAILURES, 1, 1000),
                integer(Setting.LOCKOUT_MAX_FAILURES_PER_ADDRESS, 1, 100000),
                duration(Setting.LOCKOUT_WINDOW, Duration.ofSeconds(1), Duration.ofDays(1)),
                duration(Setting.LOCKOUT_DURATION, Duration.ofSeconds(1), Duration.ofDays(1))),
            duration(Setting.AUTH_CACHE_TTL, Duration.ZERO, Duration.ofMinutes(10)));
    if (auth.jwtSecret().isPresent() && auth.jwtSecret().get().value().length() < 32) {
      throw new ConfigException(
          origin(Setting.JWT_SECRET) + ": the JWT secret must be at least 32 characters");
    }
    ConsoleConfig.Clusters clusters =
        new ConsoleConfig.Clusters(
            duration(Setting.CLUSTER_HEALTH_INTERVAL, Duration.ofMillis(200), Duration.ofHours(1)),
            duration(Setting.CLUSTER_PROBE_TIMEOUT, Duration.ofMillis(100), Duration.ofMinutes(5)),
            duration(Setting.CLUSTER_LEASE, Duration.ofSeconds(1), Duration.ofMinutes(10)));
    ConsoleConfig.Runs runs =
        new ConsoleConfig.Runs(
            string(Setting.CONSOLE_URL)
                .map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u),
            duration(Setting.RUN_POLL_INTERVAL, Duration.ofMillis(100), Duration.ofMinutes(10)),
            duration(Setting.RUN_FAST_POLL_INTERVAL, Duration.ofMillis(100), Duration.ofMinutes(1)),
            duration(Setting.RUN_LOST_GRACE, Duration.ZERO, Duration.ofDays(1)),
            duration(Setting.RUN_CHECKPOINT_INTERVAL, Duration.ofSeconds(1), Duration.ofDays(1)),
            integer(Setting.RUN_CHECKPOINTS_PER_SECOND, 1, 1000),
            string(Setting.FLINK_CDC_DIR)
                .map(Path::of)
                .orElse(home.resolve("flink-cdc"))
                .toAbsolutePath(),
            duration(Setting.DS_RETRY_BACKOFF, Duration.ofMillis(100), Duration.ofMinutes(10)),
            list(Setting.RUNS_ALLOWED_FLINK_CONFIG),
            list(Setting.RUNS_SAVEPOINT_PREFIXES),
            duration(Setting.RUN_OPERATION_GIVE_UP, Duration.ofSeconds(1), Duration.ofDays(1)),
            integer(Setting.RUN_SAVEPOINT_KEEP, 1, 100000),
            duration(Setting.RUN_SAVEPOINT_MAX_AGE, Duration.ZERO, Duration.ofDays(3650)),
            duration(Setting.RUN_LEASE, Duration.ofSeconds(1), Duration.ofMinutes(10)));
    runs.consoleUrl()
        .filter(ConfigLoader::plainAndRemote)
        .ifPresent(
            url ->
                warnings.add(
                    origin(Setting.CONSOLE_URL)
                        + ": "
                        + url
                        + " is plain http to another host: JobManagers fetch launch tickets (secrets in plain) from it; "
                        + "use https (http.tls.* or a TLS proxy)"));
    ConsoleConfig.Events events =
        new ConsoleConfig.Events(
            duration(Setting.EVENTS_KEEP_ALIVE, Duration.ofMillis(200), Duration.ofMinutes(5)),
            integer(Setting.EVENTS_MAX_STREAMS_PER_USER, 1, 1000),
            integer(Setting.EVENTS_MAX_STREAMS, 1, 100000));
    if (http.idleTimeout().compareTo(events.keepAlive()) <= 0) {
      throw new ConfigException(
          origin(Setting.HTTP_IDLE_TIMEOUT)
              + ": must be longer than events.keepAlive ("
              + events.keepAlive().toMillis()
              + " ms), or event streams would be cut between keep-alives");
    }
    ConsoleConfig.Health health =
        new ConsoleConfig.Health(
            duration(Setting.RUN_METRICS_INTERVAL, Duration.ofSeconds(1), Duration.ofHours(1)),
            integer(Setting.RUN_METRICS_PER_SECOND, 1, 1000),
            duration(Setting.HEALTH_LAG_THRESHOLD, Duration.ofMillis(1), Duration.ofDays(30)),
            integer(Setting.HEALTH_LAG_PERIODS, 1, 1000),
            integer(Setting.HEALTH_STALL_PERIODS, 1, 1000),
            integer(Setting.HEALTH_CHECKPOINT_FAILURES, 1, 1000),
            integer(Setting.HEALTH_RESTARTS, 1, 1000),
            duration(Setting.HEALTH_WINDOW, Duration.ofSeconds(1), Duration.ofDays(7)),
            duration(Setting.HEALTH_HISTORY, Duration.ofHours(1), Duration.ofDays(365)),
            duration(Setting.ALERT_RETRY_BACKOFF, Duration.ofMillis(100), Duration.ofMinutes(10)));
    Optional<Secret> metricsToken = secret(Setting.METRICS_TOKEN).filter(t -> !t.value().isBlank());
    if (metricsToken.isPresent() && metricsToken.get().value().length() < 16) {
      throw new ConfigException(
          origin(Setting.METRICS_TOKEN) + ": the metrics token must be at least 16 characters");
    }
    String logFormat = string(Setting.LOG_FORMAT).orElseThrow();
    if (!logFormat.equals("text") && !logFormat.equals("json")) {
      throw new ConfigException(
          origin(Setting.LOG_FORMAT) + ": expected text or json, got '" + logFormat + "'");
    }
    ConsoleConfig.Observability observability =
        new ConsoleConfig.Observability(
            metricsToken, integer(Setting.METRICS_PORT, 0, 65535), logFormat.equals("json"));
    return new Loaded(
        new ConsoleConfig(
            home,
            http,
            database,
            auth,
            clusters,
            runs,
            events,
            health,
            observability,
            List.copyOf(warnings)),
        cipher);
  }

  private static boolean plainAndRemote(String url) {
    try {
      java.net.URI uri = java.net.URI.create(url);
      String host = uri.getHost() == null ? "" : uri.getHost();
      return "http".equalsIgnoreCase(uri.getScheme())
          && !host.equals("localhost")
          && !host.startsWith("127.")
          && !host.equals("[::1]")
          && !host.equals("::1");
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * Both PEM files or neither, each readable now: a typo fails the start, not the first TLS
   * handshake.
   */
  private Optional<ConsoleConfig.Tls> tls() throws ConfigException {
    Optional<String> cert = string(Setting.HTTP_TLS_CERT_FILE);
    Optional<String> key = string(Setting.HTTP_TLS_KEY_FILE);
    if (cert.isEmpty() && key.isEmpty()) {
      return Optional.empty();
    }
    if (cert.isEmpty() || key.isEmpty()) {
      throw new ConfigException(
          "http.tls.certFile ("
              + Setting.HTTP_TLS_CERT_FILE.env()
              + ") and http.tls.keyFile ("
              + Setting.HTTP_TLS_KEY_FILE.env()
              + ") go together: set both to serve HTTPS, or neither");
    }
    Path certFile = readable(Setting.HTTP_TLS_CERT_FILE, cert.get());
    Path keyFile = readable(Setting.HTTP_TLS_KEY_FILE, key.get());
    return Optional.of(new ConsoleConfig.Tls(certFile, keyFile));
  }

  private Path readable(Setting s, String value) throws ConfigException {
    Path path = Path.of(value).toAbsolutePath().normalize();
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw new ConfigException(origin(s) + ": " + path + " is not a readable file");
    }
    return path;
  }

  private void readFile(Path file) throws ConfigException {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(10);
    options.setCodePointLimit(1024 * 1024);
    Node root;
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      root = new Yaml(options).compose(reader);
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String where =
          mark == null
              ? file.toString()
              : file + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1);
      String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
      throw new ConfigException(where + ": malformed YAML: " + problem.trim());
    } catch (YAMLException e) {
      throw new ConfigException(file + ": malformed YAML: " + e.getMessage());
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
    }
    if (root == null) {
      return;
    }
    if (!(root instanceof MappingNode mapping)) {
      throw new ConfigException(
          file
              + ":"
              + line(root)
              + ": expected a mapping of settings such as 'http: {port: 8080}'");
    }
    flatten(file, "", mapping);
  }

  private void flatten(Path file, String prefix, MappingNode mapping) throws ConfigException {
    for (NodeTuple tuple : mapping.getValue()) {
      if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
        throw new ConfigException(
            file + ":" + line(tuple.getKeyNode()) + ": keys must be plain names");
      }
      String path = prefix.isEmpty() ? key.getValue() : prefix + "." + key.getValue();
      Node value = tuple.getValueNode();
      if (value instanceof MappingNode nested) {
        flatten(file, path, nested);
        continue;
      }
      Optional<Setting> setting = Setting.byPath(path);
      if (setting.isEmpty()) {
        warnings.add(file + ":" + line(key) + ": unknown setting '" + path + "' is ignored");
        continue;
      }
      if (!(value instanceof ScalarNode scalar)) {
        throw new ConfigException(
            file + ":" + line(value) + ": " + path + ": expected a single value");
      }
      String text = scalar.getValue();
      if (!text.isEmpty() && !"~".equals(text) && !"null".equals(text)) {
        raw.put(setting.get(), new Raw(text, file + ":" + line(value)));
      }
    }
  }

  private static int line(Node node) {
    return node.getStartMark() == null ? 1 : node.getStartMark().getLine() + 1;
  }

  private String origin(Setting s) {
    Raw r = raw.get(s);
    return (r == null ? "default" : r.origin()) + ": " + s.path();
  }

  /** The value with ENC(...) decrypted, or the default. */
  private Optional<String> string(Setting s) throws ConfigException {
    Raw r = raw.get(s);
    if (r == null) {
      return Optional.ofNullable(s.defaultValue());
    }
    if (!SecretCipher.isEncrypted(r.value())) {
      return Optional.of(r.value().trim());
    }
    try {
      return Optional.of(cipher.decrypt(r.value()));
    } catch (SecretCipher.WrongKeyException e) {
      throw new ConfigException(
          origin(s)
              + ": cannot decrypt ENC(...): wrong master key ("
              + MasterKey.ENV
              + " or $"
              + HOME_ENV
              + "/conf/master.key) or a damaged value");
    }
  }

  private Optional<Secret> secret(Setting s) throws ConfigException {
    return string(s).map(Secret::new);
  }

  /** A comma-separated list; empty when unset. */
  private List<String> list(Setting s) throws ConfigException {
    return string(s)
        .map(
            text ->
                java.util.Arrays.stream(text.split(","))
                    .map(String::trim)
                    .filter(v -> !v.isEmpty())
                    .toList())
        .orElse(List.of());
  }

  private int integer(Setting s, int min, int max) throws ConfigException {
    String text = string(s).orElseThrow();
    try {
      int value = Integer.parseInt(text);
      if (value < min || value > max) {
        throw new ConfigException(
            origin(s) + ": " + value + " is out of range " + min + ".." + max);
      }
      return value;
    } catch (NumberFormatException e) {
      throw new ConfigException(origin(s) + ": expected a whole number, got '" + text + "'");
    }
  }

  private Duration duration(Setting s, Duration min, Duration max) throws ConfigException {
    String text = string(s).orElseThrow();
    Duration d;
    try {
      d = Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(origin(s) + ": " + e.getMessage() + ", got '" + text + "'");
    }
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      throw new ConfigException(origin(s) + ": " + text + " is out of range " + min + ".." + max);
    }
    return d;
  }
}
