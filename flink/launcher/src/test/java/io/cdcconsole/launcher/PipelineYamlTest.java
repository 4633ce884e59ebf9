package io.cdcconsole.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.cdc.cli.parser.YamlPipelineDefinitionParser;
import org.apache.flink.cdc.common.configuration.Configuration;
import org.apache.flink.cdc.common.event.SchemaChangeEventType;
import org.apache.flink.cdc.composer.definition.PipelineDef;
import org.apache.flink.cdc.composer.definition.RouteDef;
import org.apache.flink.cdc.composer.definition.TransformDef;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class PipelineYamlTest {

  static final String NESTED =
      String.join(
          "\n",
          "source:",
          "  type: kafka",
          "  name: orders from kafka",
          "  properties:",
          "    bootstrap.servers: broker-1:9092,broker-2:9092",
          "    sasl:",
          "      mechanism: PLAIN",
          "      jaas.config: 'org.apache.kafka.common.security.plain.PlainLoginModule required password=\"Kafka-Secret-7\";'",
          "  scan:",
          "    startup:",
          "      mode: earliest-offset",
          "  topic: orders",
          "sink:",
          "  type: values",
          "  print:",
          "    enabled: true",
          "  include.schema.changes: [create.table, add.column]",
          "route:",
          "  - source-table: app.orders_\\.*",
          "    sink-table: ods.orders",
          "    description: all shards",
          "  - source-table: app.users",
          "    sink-table: ods.users",
          "transform:",
          "  - source-table: app.orders",
          "    projection: \"\\\\*, UPPER(name) AS up\"",
          "    filter: id > 10",
          "    primary-keys: id",
          "    table-options: bucket=4",
          "pipeline:",
          "  name: orders sync",
          "  parallelism: 2",
          "  schema:",
          "    change:",
          "      behavior: lenient",
          "  user-defined-function:",
          "    - name: addone",
          "      classpath: com.example.AddOne",
          "");

  @Test
  void nestedMappingsBecomeDottedKeys() throws Exception {
    ObjectNode tree = PipelineYaml.read(NESTED).tree();
    JsonNode source = tree.get("source");
    assertEquals("kafka", source.get("type").textValue());
    assertEquals(
        "broker-1:9092,broker-2:9092", source.get("properties.bootstrap.servers").textValue());
    assertEquals("PLAIN", source.get("properties.sasl.mechanism").textValue());
    assertEquals("earliest-offset", source.get("scan.startup.mode").textValue());
    assertFalse(source.has("properties"));
    assertEquals("true", tree.get("sink").get("print.enabled").textValue());
    assertEquals("lenient", tree.get("pipeline").get("schema.change.behavior").textValue());
  }

  @Test
  void listsStayLists() throws Exception {
    ObjectNode tree = PipelineYaml.read(NESTED).tree();
    JsonNode include = tree.get("sink").get("include.schema.changes");
    assertTrue(include.isArray());
    assertEquals(2, include.size());
    assertTrue(tree.get("route").isArray());
    assertEquals(2, tree.get("route").size());
    assertEquals("ods.users", tree.get("route").get(1).get("sink-table").textValue());
    assertTrue(tree.get("transform").isArray());
    JsonNode udfs = tree.get("pipeline").get("user-defined-function");
    assertTrue(udfs.isArray());
    assertEquals("com.example.AddOne", udfs.get(0).get("classpath").textValue());
  }

  @Test
  void flattenedPipelineParsesWithFlinkCdcsParser() throws Exception {
    PipelineDef def =
        new YamlPipelineDefinitionParser()
            .parse(PipelineYaml.read(NESTED).toText(), new Configuration());

    assertEquals("kafka", def.getSource().getType());
    assertEquals("orders from kafka", def.getSource().getName().orElseThrow());
    Map<String, String> expectedSource = new LinkedHashMap<>();
    expectedSource.put("properties.bootstrap.servers", "broker-1:9092,broker-2:9092");
    expectedSource.put("properties.sasl.mechanism", "PLAIN");
    expectedSource.put(
        "properties.sasl.jaas.config",
        "org.apache.kafka.common.security.plain.PlainLoginModule required password=\"Kafka-Secret-7\";");
    expectedSource.put("scan.startup.mode", "earliest-offset");
    expectedSource.put("topic", "orders");
    assertEquals(expectedSource, def.getSource().getConfig().toMap());

    assertEquals("values", def.getSink().getType());
    assertEquals(Map.of("print.enabled", "true"), def.getSink().getConfig().toMap());
    assertEquals(
        Set.of(SchemaChangeEventType.CREATE_TABLE, SchemaChangeEventType.ADD_COLUMN),
        def.getSink().getIncludedSchemaEvolutionTypes());

    List<RouteDef> routes = def.getRoute();
    assertEquals(2, routes.size());
    assertEquals("app.orders_\\.*", routes.get(0).getSourceTable());
    assertEquals("ods.orders", routes.get(0).getSinkTable());
    assertEquals("all shards", routes.get(0).getDescription().orElseThrow());

    TransformDef transform = def.getTransforms().get(0);
    assertEquals("app.orders", transform.getSourceTable());
    assertEquals("*, UPPER(name) AS up", transform.getProjection().orElseThrow());
    assertEquals("id > 10", transform.getFilter().orElseThrow());
    assertEquals("id", transform.getPrimaryKeys());
    assertEquals("bucket=4", transform.getTableOptions());

    assertEquals("addone", def.getUdfs().get(0).getName());
    assertEquals("orders sync", def.getConfig().toMap().get("name"));
    assertEquals("2", def.getConfig().toMap().get("parallelism"));
    assertEquals("lenient", def.getConfig().toMap().get("schema.change.behavior"));
  }

  @Test
  void scalarsKeepTheirTextExactly() throws Exception {
    String yaml =
        String.join(
            "\n",
            "source:",
            "  type: values",
            "  port: 03306",
            "  version: 1.10",
            "  exp: 1e5",
            "  hex: 0x1F",
            "  big: 123456789012345678901234567890",
            "  flag: True",
            "  off: false",
            "  yes-word: yes",
            "  quoted-number: \"0123\"",
            "  single-quoted: ' spaced ''quote'' '",
            "  double-quoted: \"tab\\there \\\"q\\\" back\\\\slash\"",
            "  hash: \"#not a comment\"",
            "  colon: 'a: b'",
            "  unicode: \"Grüße 東京 \\u00e9 😀\"",
            "  empty-string: ''",
            "  password: \"  Pa$$w0rd: #1 \"",
            "  block: |",
            "    line one",
            "      indented two",
            "  folded: >-",
            "    folded",
            "    text",
            "  nested:",
            "    level: 007",
            "sink:",
            "  type: values",
            "");
    PipelineYaml pipeline = PipelineYaml.read(yaml);
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("port", "03306");
    expected.put("version", "1.10");
    expected.put("exp", "1e5");
    expected.put("hex", "0x1F");
    expected.put("big", "123456789012345678901234567890");
    expected.put("flag", "True");
    expected.put("off", "false");
    expected.put("yes-word", "yes");
    expected.put("quoted-number", "0123");
    expected.put("single-quoted", " spaced 'quote' ");
    expected.put("double-quoted", "tab\there \"q\" back\\slash");
    expected.put("hash", "#not a comment");
    expected.put("colon", "a: b");
    expected.put("unicode", "Grüße 東京 é 😀");
    expected.put("empty-string", "");
    expected.put("password", "  Pa$$w0rd: #1 ");
    expected.put("block", "line one\n  indented two\n");
    expected.put("folded", "folded text");
    expected.put("nested.level", "007");

    // in the flattened tree
    JsonNode source = pipeline.tree().get("source");
    expected.forEach((k, v) -> assertEquals(v, source.get(k).textValue(), k));

    // and after Flink CDC's parser read the flattened text
    PipelineDef def =
        new YamlPipelineDefinitionParser().parse(pipeline.toText(), new Configuration());
    assertEquals(expected, def.getSource().getConfig().toMap());
  }

  @Test
  void nullsStayNull() throws Exception {
    ObjectNode tree =
        PipelineYaml.read("source:\n  type: values\n  a:\n  b: ~\n  c: null\n").tree();
    assertTrue(tree.get("source").get("a").isNull());
    assertTrue(tree.get("source").get("b").isNull());
    assertTrue(tree.get("source").get("c").isNull());
  }

  @Test
  void otherTopLevelKeysAreKeptAsTheyAre() throws Exception {
    ObjectNode tree =
        PipelineYaml.read("source:\n  type: values\nextra:\n  deep:\n    x: 1\n").tree();
    assertEquals("1", tree.get("extra").get("deep").get("x").textValue());
  }

  @Test
  void routeAndTransformEntriesAreFlattenedToo() throws Exception {
    ObjectNode tree =
        PipelineYaml.read(
                String.join(
                    "\n",
                    "route:",
                    "  - source-table: a.b",
                    "    sink-table: c.d",
                    "    extra:",
                    "      x: 1",
                    "transform:",
                    "  - source-table: a.b",
                    "    projection: id",
                    ""))
            .tree();
    assertEquals("1", tree.get("route").get(0).get("extra.x").textValue());
    assertEquals("id", tree.get("transform").get(0).get("projection").textValue());
  }

  @Test
  void aKeyGivenTwiceAfterFlatteningIsAnErrorNamingTheKeyOnly() {
    String yaml =
        String.join(
            "\n",
            "source:",
            "  type: kafka",
            "  properties.bootstrap.servers: Value-One-9",
            "  properties:",
            "    bootstrap.servers: Value-Two-9",
            "");
    PipelineLaunchException e =
        assertThrows(PipelineLaunchException.class, () -> PipelineYaml.read(yaml));
    assertTrue(e.getMessage().contains("'source.properties.bootstrap.servers'"), e.getMessage());
    assertFalse(e.getMessage().contains("Value-"), e.getMessage());
  }

  @Test
  void aKeyGivenTwiceInTheYamlIsAnError() {
    PipelineLaunchException e =
        assertThrows(
            PipelineLaunchException.class,
            () ->
                PipelineYaml.read(
                    "source:\n  type: values\n  password: One-Secret\n  password: Two-Secret\n"));
    assertTrue(e.getMessage().contains("'source.password'"), e.getMessage());
    assertFalse(e.getMessage().contains("Secret"), e.getMessage());
  }

  @Test
  void syntaxErrorsTellLineAndColumnButNoText() {
    String yaml =
        String.join("\n", "source:", "  type: values", "  password: Syntax-Secret-3: broken", "");
    PipelineLaunchException e =
        assertThrows(PipelineLaunchException.class, () -> PipelineYaml.read(yaml));
    assertTrue(
        e.getMessage().startsWith("The pipeline is not valid YAML at line 3, column "),
        e.getMessage());
    assertFalse(e.getMessage().contains("Syntax-Secret-3"), e.getMessage());
    assertNull(e.getCause());

    PipelineLaunchException unclosed =
        assertThrows(
            PipelineLaunchException.class,
            () -> PipelineYaml.read("source:\n  type: values\n  password: \"Unclosed-Secret-4\n"));
    assertTrue(
        unclosed.getMessage().startsWith("The pipeline is not valid YAML at line "),
        unclosed.getMessage());
    assertFalse(unclosed.getMessage().contains("Unclosed-Secret-4"), unclosed.getMessage());
  }

  @Test
  void emptyOrNonMappingYamlIsRejected() {
    assertEquals(
        "The pipeline YAML is empty",
        assertThrows(PipelineLaunchException.class, () -> PipelineYaml.read("")).getMessage());
    assertEquals(
        "The pipeline YAML is empty",
        assertThrows(PipelineLaunchException.class, () -> PipelineYaml.read("# only a comment\n"))
            .getMessage());
    assertTrue(
        assertThrows(PipelineLaunchException.class, () -> PipelineYaml.read("- a\n- b\n"))
            .getMessage()
            .contains("must be a mapping"));
    PipelineLaunchException scalar =
        assertThrows(PipelineLaunchException.class, () -> PipelineYaml.read("Scalar-Secret-5"));
    assertFalse(scalar.getMessage().contains("Scalar-Secret-5"), scalar.getMessage());
  }

  @Test
  void secretLookingOptionValuesAreCollectedForMasking() throws Exception {
    PipelineYaml pipeline =
        PipelineYaml.read(
            String.join(
                "\n",
                "source:",
                "  type: mysql",
                "  hostname: db.example.com",
                "  username: cdc",
                "  password: Mysql-Secret-1",
                "  properties:",
                "    sasl.jaas.config: Jaas-Secret-2",
                "sink:",
                "  type: starrocks",
                "  password: abc",
                "  token: Token-Secret-3",
                "  s3:",
                "    access-key: Access-Key-4",
                "    secret-key: Secret-Key-5",
                ""));
    assertEquals(
        Set.of("Mysql-Secret-1", "Jaas-Secret-2", "Token-Secret-3", "Access-Key-4", "Secret-Key-5"),
        pipeline.secretValues());
  }
}
