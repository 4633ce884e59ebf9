package io.cdcconsole.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.test.TestConsole;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
  private Path home;
  private Map<String, String> env;

  @BeforeEach
  void newHome() {
    home = TestConsole.newHome();
    env = new HashMap<>(Map.of("CDC_CONSOLE_HOME", home.toString()));
  }

  @Test
  void startsWithNoFileAtAllOnDefaultsAndCreatesAPrivateMasterKey() throws Exception {
    ConsoleConfig c = ConfigLoader.load(Optional.empty(), env).config();
    assertEquals(8080, c.http().port());
    assertEquals("0.0.0.0", c.http().host());
    assertTrue(c.database().embedded());
    assertEquals(Duration.ofHours(8), c.auth().tokenLifetime());
    assertEquals(home, c.home());
    Path key = home.resolve("conf/master.key");
    assertTrue(Files.isRegularFile(key));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
    // a second load keeps the same key
    String first = Files.readString(key);
    ConfigLoader.load(Optional.empty(), env);
    assertEquals(first, Files.readString(key));
  }

  @Test
  void fileValuesAreOverriddenByTheEnvironment() throws Exception {
    Path file =
        write(
            "cdc-console.yaml",
            """
        http:
          port: 9090
          host: 127.0.0.1
        database:
          url: jdbc:postgresql://db.example:5432/cdc
          user: cdc
        auth:
          tokenLifetime: 30m
          lockout: {maxFailures: 7}
        """);
    env.put("CDC_CONSOLE_HTTP_PORT", "9191");
    ConsoleConfig c = ConfigLoader.load(Optional.of(file), env).config();
    assertEquals(9191, c.http().port());
    assertEquals("127.0.0.1", c.http().host());
    assertEquals("jdbc:postgresql://db.example:5432/cdc", c.database().url().orElseThrow());
    assertEquals(Duration.ofMinutes(30), c.auth().tokenLifetime());
    assertEquals(7, c.auth().lockout().maxFailures());
    assertTrue(c.warnings().isEmpty(), c.warnings().toString());
  }

  @Test
  void theDefaultFileInTheHomeIsRead() throws Exception {
    Files.createDirectories(home.resolve("conf"));
    Files.writeString(home.resolve("conf/cdc-console.yaml"), "http.port: 7070\n");
    assertEquals(7070, ConfigLoader.load(Optional.empty(), env).config().http().port());
  }

  @Test
  void encryptedValuesRoundTripThroughTheEncryptCommandAndTheFile() throws Exception {
    String password = "db-pa$$word with spaces";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        EncryptCommand.run(
            new ByteArrayInputStream((password + "\n").getBytes(StandardCharsets.UTF_8)),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            env);
    assertEquals(0, code, err.toString());
    String enc = out.toString(StandardCharsets.UTF_8).trim();
    assertTrue(enc.startsWith("ENC(") && enc.endsWith(")"), enc);
    assertFalse(enc.contains(password));

    // random salt and IV: the same value encrypts differently each time
    SecretCipher cipher = ConfigLoader.load(Optional.empty(), env).cipher();
    assertNotEquals(cipher.encrypt(password), cipher.encrypt(password));

    Path file =
        write(
            "enc.yaml",
            "database:\n  url: jdbc:postgresql://h/db\n  user: u\n  password: " + enc + "\n");
    ConsoleConfig c = ConfigLoader.load(Optional.of(file), env).config();
    assertEquals(password, c.database().password().orElseThrow().value());
    assertFalse(c.toString().contains(password), "config records never print secrets");

    env.put("CDC_CONSOLE_DB_PASSWORD", cipher.encrypt("from-env"));
    assertEquals(
        "from-env",
        ConfigLoader.load(Optional.of(file), env)
            .config()
            .database()
            .password()
            .orElseThrow()
            .value());
  }

  @Test
  void tlsFilesGoTogetherAndAPlainRemoteConsoleUrlIsWarnedAbout() throws Exception {
    Path cert = write("c.pem", "not checked here");
    env.put("CDC_CONSOLE_HTTP_TLS_CERT_FILE", cert.toString());
    ConfigException alone =
        assertThrows(ConfigException.class, () -> ConfigLoader.load(Optional.empty(), env));
    assertTrue(alone.getMessage().contains("http.tls.keyFile"), alone.getMessage());
    env.put("CDC_CONSOLE_HTTP_TLS_KEY_FILE", home.resolve("missing.pem").toString());
    ConfigException missing =
        assertThrows(ConfigException.class, () -> ConfigLoader.load(Optional.empty(), env));
    assertTrue(
        missing.getMessage().contains("missing.pem")
            && missing.getMessage().contains("not a readable file"),
        missing.getMessage());
    env.put("CDC_CONSOLE_HTTP_TLS_KEY_FILE", cert.toString());
    assertEquals("https", ConfigLoader.load(Optional.empty(), env).config().http().scheme());

    env.put("CDC_CONSOLE_URL", "http://console.example:8080");
    assertTrue(
        ConfigLoader.load(Optional.empty(), env).config().warnings().stream()
            .anyMatch(w -> w.contains("plain http")));
    env.put("CDC_CONSOLE_URL", "http://127.0.0.1:8080");
    assertTrue(ConfigLoader.load(Optional.empty(), env).config().warnings().isEmpty());
  }

  @Test
  void aShortMasterKeyStopsTheStartFromTheEnvironmentAndFromTheFile() throws Exception {
    env.put("CDC_CONSOLE_MASTER_KEY", "short-master-key-31-characters!");
    ConfigException fromEnv =
        assertThrows(ConfigException.class, () -> ConfigLoader.load(Optional.empty(), env));
    assertTrue(
        fromEnv.getMessage().contains("CDC_CONSOLE_MASTER_KEY")
            && fromEnv.getMessage().contains("fewer than 32"),
        fromEnv.getMessage());
    assertFalse(
        fromEnv.getMessage().contains("short-master-key"),
        "the key is not quoted: " + fromEnv.getMessage());
    env.put("CDC_CONSOLE_MASTER_KEY", "a-master-key-of-exactly-32-chars");
    ConfigLoader.load(Optional.empty(), env);

    env.remove("CDC_CONSOLE_MASTER_KEY");
    Files.createDirectories(home.resolve("conf"));
    Files.writeString(home.resolve("conf/master.key"), "hunter2\n");
    ConfigException fromFile =
        assertThrows(ConfigException.class, () -> ConfigLoader.load(Optional.empty(), env));
    assertTrue(fromFile.getMessage().contains("master.key"), fromFile.getMessage());
  }

  @Test
  void aWrongMasterKeyStopsTheStartNamingTheValue() throws Exception {
    SecretCipher other = new SecretCipher("some-other-master-key-long-enough-0123");
    Path file =
        write(
            "wrong.yaml",
            "database:\n  url: jdbc:postgresql://h/db\n  user: u\n  password: "
                + other.encrypt("secret-value")
                + "\n");
    ConfigException e =
        assertThrows(ConfigException.class, () -> ConfigLoader.load(Optional.of(file), env));
    assertTrue(e.getMessage().contains("wrong.yaml:4"), e.getMessage());
    assertTrue(e.getMessage().contains("database.password"), e.getMessage());
    assertTrue(e.getMessage().contains("master key"), e.getMessage());
    assertFalse(e.getMessage().contains("secret-value"));

    env.put(MasterKey.ENV, "some-other-master-key-long-enough-0123");
    assertEquals(
        "secret-value",
        ConfigLoader.load(Optional.of(file), env)
            .config()
            .database()
            .password()
            .orElseThrow()
            .value());
  }

  @Test
  void malformedYamlIsReportedWithFileAndLine() throws Exception {
    Path file = write("broken.yaml", "http:\n  port: 8080\n   host: [unclosed\n");
    ConfigException e =
        assertThrows(ConfigException.class, () -> ConfigLoader.load(Optional.of(file), env));
    assertTrue(e.getMessage().matches(".*broken\\.yaml:3:\\d+: malformed YAML.*"), e.getMessage());

    Path list = write("list.yaml", "- a\n- b\n");
    assertTrue(
        assertThrows(ConfigException.class, () -> ConfigLoader.load(Optional.of(list), env))
            .getMessage()
            .contains("list.yaml:1"));
  }

  @Test
  void badValuesAreRefusedWithTheirOrigin() throws Exception {
    Path file = write("bad.yaml", "http:\n  port: eighty\n");
    ConfigException e =
        assertThrows(ConfigException.class, () -> ConfigLoader.load(Optional.of(file), env));
    assertTrue(
        e.getMessage().contains("bad.yaml:2: http.port: expected a whole number"), e.getMessage());

    env.put("CDC_CONSOLE_TOKEN_LIFETIME", "forever");
    e = assertThrows(ConfigException.class, () -> ConfigLoader.load(Optional.empty(), env));
    assertTrue(e.getMessage().contains("CDC_CONSOLE_TOKEN_LIFETIME"), e.getMessage());
    env.remove("CDC_CONSOLE_TOKEN_LIFETIME");

    env.put("CDC_CONSOLE_HTTP_PORT", "70000");
    assertTrue(
        assertThrows(ConfigException.class, () -> ConfigLoader.load(Optional.empty(), env))
            .getMessage()
            .contains("out of range"));
    env.remove("CDC_CONSOLE_HTTP_PORT");

    env.put("CDC_CONSOLE_DB_URL", "jdbc:postgresql://h/db");
    assertTrue(
        assertThrows(ConfigException.class, () -> ConfigLoader.load(Optional.empty(), env))
            .getMessage()
            .contains("database.user"));
    env.put("CDC_CONSOLE_DB_URL", "mysql://h/db");
    assertTrue(
        assertThrows(ConfigException.class, () -> ConfigLoader.load(Optional.empty(), env))
            .getMessage()
            .contains("PostgreSQL URL"));
  }

  @Test
  void metricsAndLogFormatSettings() throws Exception {
    ConsoleConfig off = ConfigLoader.load(Optional.empty(), env).config();
    assertTrue(!off.observability().metricsEnabled() && !off.observability().jsonLogs());

    env.put("CDC_CONSOLE_METRICS_TOKEN", "short");
    assertTrue(
        assertThrows(ConfigException.class, () -> ConfigLoader.load(Optional.empty(), env))
            .getMessage()
            .contains("at least 16 characters"));
    env.put("CDC_CONSOLE_METRICS_TOKEN", "a-long-enough-metrics-token");
    env.put("CDC_CONSOLE_LOG_FORMAT", "xml");
    assertTrue(
        assertThrows(ConfigException.class, () -> ConfigLoader.load(Optional.empty(), env))
            .getMessage()
            .contains("CDC_CONSOLE_LOG_FORMAT"));
    env.put("CDC_CONSOLE_LOG_FORMAT", "json");
    ConsoleConfig on = ConfigLoader.load(Optional.empty(), env).config();
    assertEquals(
        "a-long-enough-metrics-token", on.observability().metricsToken().orElseThrow().value());
    assertTrue(on.observability().metricsEnabled() && on.observability().jsonLogs());
    assertEquals(0, on.observability().metricsPort());
  }

  @Test
  void unknownKeysOnlyWarn() throws Exception {
    Path file = write("unknown.yaml", "http:\n  port: 8081\n  colour: blue\n");
    ConsoleConfig c = ConfigLoader.load(Optional.of(file), env).config();
    assertEquals(8081, c.http().port());
    assertEquals(1, c.warnings().size());
    assertTrue(
        c.warnings().get(0).contains("unknown.yaml:3")
            && c.warnings().get(0).contains("http.colour"));
  }

  @Test
  void aMissingExplicitFileIsAnError() {
    assertThrows(
        ConfigException.class,
        () -> ConfigLoader.load(Optional.of(home.resolve("nope.yaml")), env));
  }

  private Path write(String name, String content) throws Exception {
    Path file = home.resolve(name);
    Files.writeString(file, content);
    return file;
  }
}
