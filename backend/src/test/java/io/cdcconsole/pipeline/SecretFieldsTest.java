package io.cdcconsole.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.config.SecretCipher;
import io.cdcconsole.error.FieldError;
import io.cdcconsole.error.ValidationFailed;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

class SecretFieldsTest {
  private static final SecretCipher CIPHER = new SecretCipher("test-master-key");
  private final SecretFields fields = new SecretFields(ConnectorCatalog.builtIn());

  /**
   * Secrets written the way this class writes them (plain, or double-quoted), so a round trip is
   * byte-exact.
   */
  static final String PIPELINE =
      """
      # Production sync -- owned by the data team
      source:
        type: mysql
        name: "Büro 🚀 MySQL"   # a name with an emoji before the secrets
        hostname: mysql.internal
        port: 3306
        username: cdc
        password: "p@ss: \\"word'#"   # rotated 2024-05
        tables: app_db.\\.*
        jdbc.properties.trustCertificateKeyStorePassword: s3cr3t

      sink:
        type: kafka
        properties.bootstrap.servers: kafka:9092   # not a secret
        properties:
          security.protocol: SASL_SSL
          sasl.jaas.config: "org.apache.kafka.common.security.plain.PlainLoginModule required username=\\"cdc\\" password=\\"k-pw\\";"
        properties.ssl.truststore.password: changeit
        topic: orders

      pipeline:
        name: Sync   # password: not-a-secret-here
        parallelism: 2
      """;

  static final List<String> PATHS =
      List.of(
          "source.password",
          "source.jdbc.properties.trustCertificateKeyStorePassword",
          "sink.properties.sasl.jaas.config",
          "sink.properties.ssl.truststore.password");

  @Test
  void findsTheSecretsOfSourceAndSinkIncludingNestedOnes() {
    assertEquals(PATHS, fields.secretPaths(PIPELINE));
    Map<String, String> values = fields.secretValues(PIPELINE);
    assertEquals("p@ss: \"word'#", values.get("source.password"));
    assertEquals(
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"cdc\" password=\"k-pw\";",
        values.get("sink.properties.sasl.jaas.config"));
  }

  @Test
  void encryptionTouchesOnlySecretValuesAndDecryptionRestoresTheTextExactly() {
    String encrypted = fields.encryptAll(PIPELINE, CIPHER);
    List<String> before = PIPELINE.lines().toList();
    List<String> after = encrypted.lines().toList();
    assertEquals(before.size(), after.size());
    for (int i = 0; i < before.size(); i++) {
      String line = before.get(i);
      boolean secret =
          line.contains("password: \"p@ss")
              || line.contains("KeyStorePassword:")
              || line.contains("sasl.jaas.config:")
              || line.contains("truststore.password:");
      if (secret) {
        assertNotEquals(line, after.get(i));
        String key = line.substring(0, line.indexOf(':') + 1);
        assertTrue(after.get(i).startsWith(key + " ENC("), after.get(i));
      } else {
        assertEquals(
            line, after.get(i), "line " + (i + 1) + " is not a secret and must not change");
      }
    }
    assertTrue(encrypted.contains("# rotated 2024-05"), "a comment after a secret stays");
    assertFalse(
        encrypted.contains("k-pw")
            || encrypted.contains("s3cr3t")
            || encrypted.contains("changeit")
            || encrypted.contains("word'#"));
    fields
        .secretValues(encrypted)
        .values()
        .forEach(v -> assertTrue(SecretCipher.isEncrypted(v), v));

    assertEquals(PIPELINE, fields.decryptAll(encrypted, CIPHER));
    assertEquals(
        encrypted, fields.encryptAll(encrypted, CIPHER), "ENC(...) values are kept as they are");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "p@ss: \"word'#",
        "'single'",
        "tab\there",
        "line\nbreak",
        "back\\slash",
        "ünïcödé 🔑",
        "123456",
        "true",
        "null",
        "~",
        "- dash",
        "#hash",
        "*star",
        "&amp",
        "!bang",
        "%percent",
        "@at",
        "`tick",
        "{brace}",
        "[bracket]",
        "a, b",
        "trailing ",
        " leading",
        "",
        "\u2028sep",
        "0x1F",
        "1e5",
        ".inf",
        "=",
        "<<",
        "yes",
        "Off",
        "2024-05-01"
      })
  void anyValueRoundTripsThroughEncryption(String value) {
    String yaml =
        "source:\n  type: mysql\n  password: " + PipelineYaml.scalar(value) + "\n  hostname: h\n";
    assertEquals(value, load(yaml, "password"), "the scalar writer reads back exactly");
    String encrypted = fields.encryptAll(yaml, CIPHER);
    assertEquals("h", load(encrypted, "hostname"));
    assertEquals(value, load(fields.decryptAll(encrypted, CIPHER), "password"));
  }

  @Test
  void quotedOriginalsComeBackAsTheSameValue() {
    String yaml = "source:\n  type: mysql\n  password: 'it''s'\n  port: 3306\n";
    String roundTrip = fields.decryptAll(fields.encryptAll(yaml, CIPHER), CIPHER);
    assertEquals("it's", load(roundTrip, "password"));
    assertEquals("source:\n  type: mysql\n  password: \"it's\"\n  port: 3306\n", roundTrip);
  }

  @Test
  void blockScalarsAnchorsAndFlowMappingsKeepTheirSurroundings() {
    String yaml =
        """
        source:
          type: postgres
          password: |
            multi
            line
          username: &user cdc
          slot.name: s
        sink: {type: doris, fenodes: "fe:8030", username: root, password: &pw doris-pw}
        """;
    String encrypted = fields.encryptAll(yaml, CIPHER);
    assertTrue(encrypted.contains("\n  username: &user cdc\n"), encrypted);
    assertTrue(encrypted.contains(", password: &pw ENC("), encrypted);
    String decrypted = fields.decryptAll(encrypted, CIPHER);
    assertEquals("multi\nline\n", load(decrypted, "password"));
    assertTrue(
        decrypted.contains("  password: \"multi\\nline\\n\"\n  username: &user cdc\n"), decrypted);
    assertTrue(decrypted.contains("password: &pw doris-pw}"), decrypted);
  }

  @Test
  void maskHidesPlaintextAndCiphertext() {
    String encrypted = fields.encryptAll(PIPELINE, CIPHER);
    for (String yaml : List.of(PIPELINE, encrypted)) {
      String masked = fields.mask(yaml);
      assertFalse(masked.contains("ENC("), masked);
      assertFalse(
          masked.contains("k-pw")
              || masked.contains("s3cr3t")
              || masked.contains("changeit")
              || masked.contains("word'#"),
          masked);
      assertTrue(masked.contains("  password: \"******\"   # rotated 2024-05\n"), masked);
      assertEquals(PATHS, fields.secretPaths(masked));
      fields.secretValues(masked).values().forEach(v -> assertEquals(SecretFields.MASK, v));
      assertTrue(masked.contains("  name: Sync   # password: not-a-secret-here\n"));
    }
  }

  @Test
  void keepMaskedRestoresTheStoredValues() {
    String stored = fields.encryptAll(PIPELINE, CIPHER);
    String edited = fields.mask(stored).replace("username: cdc", "username: cdc2");
    SecretFields.Kept kept = fields.keepMasked(edited, stored);
    assertEquals(List.of(), kept.errors());
    assertEquals(fields.secretValues(stored), fields.secretValues(kept.yaml()));
    assertEquals(stored.replace("username: cdc", "username: cdc2"), kept.yaml());

    String newSecret =
        edited.replace(
            "properties.ssl.truststore.password: \"******\"",
            "properties.ssl.truststore.password: fresh");
    Map<String, String> partly = fields.secretValues(fields.keepMasked(newSecret, stored).yaml());
    assertEquals("fresh", partly.get("sink.properties.ssl.truststore.password"));
    assertEquals(fields.secretValues(stored).get("source.password"), partly.get("source.password"));
  }

  @Test
  void keptSecretsStayWithTheirConnection() {
    String stored = fields.encryptAll(PIPELINE, CIPHER);
    String moved =
        fields.mask(stored).replace("hostname: mysql.internal", "hostname: evil.example");
    SecretFields.Kept refused = fields.keepMasked(moved, stored);
    assertEquals(
        List.of("source.password", "source.jdbc.properties.trustCertificateKeyStorePassword"),
        refused.errors().stream().map(FieldError::path).toList(),
        "only the source's secrets: " + refused.errors());
    assertTrue(
        refused.errors().get(0).message().contains("(hostname)"),
        refused.errors().get(0).message());
    SecretFields.Kept confirmed =
        fields.keepMasked(moved, stored, new SecretFields.KeepRules(false, true));
    assertEquals(List.of(), confirmed.errors());
    assertEquals(fields.secretValues(stored), fields.secretValues(confirmed.yaml()));
    String movedSink = fields.mask(stored).replace("kafka:9092", "evil:9092");
    assertTrue(
        fields.keepMasked(movedSink, stored).errors().stream()
            .allMatch(e -> e.path().startsWith("sink.")),
        fields.keepMasked(movedSink, stored).errors().toString());

    // an ENC value: kept where it is stored, refused elsewhere unless pasting is allowed
    String mysqlEnc = fields.secretValues(stored).get("source.password");
    assertEquals(List.of(), fields.keepMasked(stored, stored).errors());
    String elsewhere =
        stored.replace("  tables:", "  jdbc.properties.password: \"" + mysqlEnc + "\"\n  tables:");
    assertEquals(
        List.of("source.jdbc.properties.password"),
        fields.keepMasked(elsewhere, stored).errors().stream().map(FieldError::path).toList());
    assertEquals(
        List.of(),
        fields.keepMasked(elsewhere, stored, new SecretFields.KeepRules(true, false)).errors());
    assertEquals(
        PATHS.size(),
        fields.keepMasked(stored, null).errors().size(),
        "a new pipeline has no stored value for an editor's ENC values to match");
  }

  @Test
  void keepMaskedRefusesAMaskWithNothingToKeep() {
    String yaml = "source:\n  type: mysql\n  password: \"******\"\nsink:\n  type: values\n";
    SecretFields.Kept created = fields.keepMasked(yaml, null);
    assertEquals(yaml, created.yaml());
    FieldError e = created.errors().get(0);
    assertEquals(new FieldError("source.password", 3, 13, e.message()), e);
    assertTrue(
        e.message().contains("the mask ****** can only keep a value that was saved before"),
        e.message());
    assertTrue(e.message().endsWith("enter the secret"));

    String stored = fields.encryptAll("source:\n  type: postgres\n  password: pg\n", CIPHER);
    assertEquals(
        "source.password",
        fields.keepMasked(yaml, stored).errors().get(0).path(),
        "a password does not follow the definition to another connector type");
    String storedWithout = "source:\n  type: mysql\n  hostname: h\n";
    assertEquals(1, fields.keepMasked(yaml, storedWithout).errors().size());
    assertTrue(
        fields
            .keepMasked("source: [", null)
            .errors()
            .get(0)
            .message()
            .startsWith("YAML syntax error"));
  }

  @Test
  void referencesAreNeitherEncryptedNorMasked() {
    String yaml =
        """
        source:
          type: mysql
          password: ${secret:mysql-prod}
          username: ${secret:mysql_user}
        sink:
          type: kafka
          properties.sasl.jaas.config: PlainLoginModule required username="u" password="${secret:kafka.pw}";
          topic: t
        """;
    assertEquals(yaml, fields.encryptAll(yaml, CIPHER));
    assertEquals(yaml, fields.mask(yaml));
    assertEquals(List.of(), fields.secretPaths(yaml));
    assertEquals(Set.of("mysql-prod", "mysql_user", "kafka.pw"), fields.secretReferences(yaml));

    Map<String, String> named =
        Map.of("mysql-prod", "db \"pw\"", "mysql_user", "cdc", "kafka.pw", "k$1\\");
    String resolved = fields.resolveReferences(yaml, name -> Optional.ofNullable(named.get(name)));
    assertEquals("db \"pw\"", load(resolved, "password"));
    assertEquals("cdc", load(resolved, "username"));
    assertTrue(resolved.contains("password=\\\"k$1\\\\\\\";\""), resolved);
    assertTrue(resolved.contains("\n  topic: t\n"));
    assertEquals(Set.of(), fields.secretReferences(resolved));
  }

  @Test
  void apiKeysOfPipelineModelsAreSecretsToo() {
    String yaml =
        """
        source:
          type: values
        sink:
          type: values
        pipeline:
          model:
            - model-name: CHAT
              class-name: OpenAIChatModel
              openai.model: gpt-4o-mini
              openai.apikey: sk-live-123
            - name: EMBED
              type: openai
              options:
                openai.apiKey: ${secret:openai}
        """;
    assertEquals(List.of(), new PipelineYamlValidator(ConnectorCatalog.builtIn()).validate(yaml));
    assertEquals(List.of("pipeline.model[0].openai.apikey"), fields.secretPaths(yaml));
    assertEquals(Set.of("openai"), fields.secretReferences(yaml));
    String masked = fields.mask(yaml);
    assertFalse(masked.contains("sk-live-123"));
    assertTrue(masked.contains("openai.model: gpt-4o-mini") && masked.contains("${secret:openai}"));
    String stored = fields.encryptAll(yaml, CIPHER);
    assertEquals(stored, fields.keepMasked(fields.mask(stored), stored).yaml());
    assertEquals(yaml, fields.decryptAll(stored, CIPHER));
  }

  @Test
  void unknownReferencesAreReportedByPathAndName() {
    String yaml = "source:\n  type: mysql\n  password: ${secret:gone}\nsink:\n  type: values\n";
    ValidationFailed e =
        assertThrows(
            ValidationFailed.class, () -> fields.resolveReferences(yaml, name -> Optional.empty()));
    FieldError error = e.errors().get(0);
    assertEquals("source.password", error.path());
    assertEquals(3, error.line());
    assertEquals(13, error.column());
    assertTrue(error.message().contains("${secret:gone}"), error.message());
  }

  @Test
  void malformedReferencesAreSecrets() {
    String yaml = "source:\n  type: mysql\n  password: ${secret:bad name}\n";
    assertEquals(Set.of(), fields.secretReferences(yaml));
    assertEquals(List.of("source.password"), fields.secretPaths(yaml));
  }

  @Test
  void transformSecretsHandsPathAndValueAndKeepsWhatIsReturnedUnchanged() {
    String yaml =
        "source:\n  type: mysql\n  password: 'a'\nsink:\n  type: values\n  password: \"\"\n";
    StringBuilder seen = new StringBuilder();
    String same =
        SecretFields.transformSecrets(
            yaml,
            ConnectorCatalog.builtIn(),
            (path, value) -> {
              seen.append(path).append('=').append(value).append(';');
              return value;
            });
    assertEquals(yaml, same, "an unchanged value keeps its original quoting");
    assertEquals("source.password=a;", seen.toString(), "empty values are not secrets");
    assertEquals(
        yaml, SecretFields.transformSecrets(yaml, ConnectorCatalog.builtIn(), (p, v) -> null));
  }

  @Test
  void aliasedSecretsAndBrokenYamlAreRefused() {
    ValidationFailed alias =
        assertThrows(
            ValidationFailed.class,
            () ->
                fields.encryptAll(
                    "pipeline:\n  name: &n plain\nsource:\n  type: mysql\n  password: *n\n",
                    CIPHER));
    assertEquals("source.password", alias.errors().get(0).path());
    assertEquals(5, alias.errors().get(0).line());
    ValidationFailed syntax =
        assertThrows(ValidationFailed.class, () -> fields.mask("source: {password: x"));
    assertTrue(syntax.errors().get(0).message().startsWith("YAML syntax error"));
    assertEquals("", fields.mask(""));
  }

  private static String load(String yaml, String key) {
    Map<?, ?> root = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    Map<?, ?> source = (Map<?, ?>) root.get("source");
    return (String) source.get(key);
  }
}
