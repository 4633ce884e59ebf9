package io.cdcconsole.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.error.FieldError;
import io.cdcconsole.error.ValidationFailed;
import io.cdcconsole.pipeline.ConnectorCatalog.Connector;
import io.cdcconsole.pipeline.ConnectorCatalog.Kind;
import io.cdcconsole.pipeline.PipelineYamlValidator.Validation;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PipelineYamlValidatorTest {
  private static final ConnectorCatalog CATALOG = ConnectorCatalog.builtIn();
  private final PipelineYamlValidator validator = new PipelineYamlValidator(CATALOG);

  static final String MYSQL_TO_DORIS =
      """
      ################################################################################
      # Description: Sync MySQL all tables to Doris
      ################################################################################
      source:
        type: mysql
        hostname: localhost
        port: 3306
        username: root
        password: "123456"
        tables: app_db.\\.*
        server-id: 5400-5404
        server-time-zone: UTC

      sink:
        type: doris
        fenodes: 127.0.0.1:8030
        username: root
        password: ""
        table.create.properties.light_schema_change: true
        table.create.properties.replication_num: 1

      route:
        - source-table: app_db.orders
          sink-table: ods_db.ods_orders
        - source-table: app_db.shipments
          sink-table: ods_db.ods_shipments
          description: sync shipments

      transform:
        - source-table: app_db.orders
          projection: id, order_id, UPPER(product_name) as product_name
          filter: id > 10 AND order_id > 100
          description: project fields and filter

      pipeline:
        name: Sync MySQL Database to Doris
        parallelism: 2
        schema.change.behavior: EVOLVE
      """;

  static final String MYSQL_TO_KAFKA =
      """
      source:
        type: mysql
        name: MySQL Source
        hostname: mysql.internal
        port: 3306
        username: cdc
        password: ${secret:mysql-cdc}
        tables: app_db.\\.*
        scan.startup.mode: initial
        jdbc.properties.useSSL: true
      sink:
        type: kafka
        name: Kafka Sink
        properties:
          bootstrap.servers: kafka-1:9092,kafka-2:9092
          security.protocol: SASL_SSL
          sasl.mechanism: PLAIN
          sasl.jaas.config: org.apache.kafka.common.security.plain.PlainLoginModule required username="cdc" password="k";
        topic: app_db_changes
        value.format: debezium-json
        sink.delivery-guarantee: at-least-once
      pipeline:
        name: MySQL to Kafka
        parallelism: 4
      """;

  static final String VALUES_TO_VALUES =
      """
      source:
        type: values
        event-set.id: SINGLE_SPLIT_MULTI_TABLES
      sink:
        type: values
        print.enabled: true
        include.schema.changes: [create.table, add.column]
      pipeline:
        parallelism: 1
        schema.change.behavior: lenient
      """;

  static final String POSTGRES_TO_PAIMON =
      """
      source:
        type: postgres
        hostname: pg.internal
        port: 5432
        username: cdc
        password: 'pg-p@ss'
        tables: app_db.public.\\.*
        slot.name: flink_cdc
        decoding.plugin.name: pgoutput
      sink:
        type: paimon
        catalog.properties.metastore: filesystem
        catalog.properties.warehouse: s3://lake/warehouse
        catalog.properties.s3.endpoint: https://s3.example.com
        catalog.properties.s3.access-key: AKIAEXAMPLE
        catalog.properties.s3.secret-key: wJalrXUtnFEMI
        table.properties.bucket: 4
      pipeline:
        name: Postgres to Paimon
        parallelism: 2
      """;

  static final String MYSQL_TO_STARROCKS =
      """
      source:
        type: mysql
        hostname: 127.0.0.1
        port: 3306
        username: admin
        password: pass
        tables: adb.\\.*, bdb.user_table_[0-9]+, [app|web].order_\\.*
        server-id: 5401-5404
      sink:
        type: starrocks
        name: StarRocks Sink
        jdbc-url: jdbc:mysql://127.0.0.1:9030
        load-url: 127.0.0.1:8030
        username: root
        password: ""
        table.create.properties.replication_num: 1
      pipeline:
        name: Sync MySQL Database to StarRocks
        parallelism: 2
      """;

  static final String MYSQL_TO_ELASTICSEARCH =
      """
      source:
        type: mysql
        hostname: localhost
        port: 3306
        username: root
        password: "123456"
        tables: app_db.\\.*
      sink:
        type: elasticsearch
        hosts: http://es-1:9200,http://es-2:9200
        version: 8
        username: elastic
        password: changeme
        batch.size.max: 500
      pipeline:
        parallelism: 1
      """;

  static final String MYSQL_TO_ICEBERG =
      """
      source:
        type: mysql
        hostname: localhost
        port: 3306
        username: root
        password: "123456"
        tables: app_db.\\.*
      sink:
        type: iceberg
        catalog.properties.type: hadoop
        catalog.properties.warehouse: /path/warehouse
        table.properties.write.format.default: parquet
        partition.key: app_db.orders:id
      pipeline:
        name: MySQL to Iceberg
        parallelism: 2
        schema.change.behavior: try_evolve
      """;

  static Stream<Arguments> realistic() {
    return Stream.of(
        Arguments.of("mysql to doris", MYSQL_TO_DORIS),
        Arguments.of("mysql to kafka", MYSQL_TO_KAFKA),
        Arguments.of("values to values", VALUES_TO_VALUES),
        Arguments.of("postgres to paimon", POSTGRES_TO_PAIMON),
        Arguments.of("mysql to starrocks", MYSQL_TO_STARROCKS),
        Arguments.of("mysql to elasticsearch", MYSQL_TO_ELASTICSEARCH),
        Arguments.of("mysql to iceberg", MYSQL_TO_ICEBERG));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("realistic")
  void realisticDefinitionsPass(String name, String yaml) {
    Validation v = validator.validate(yaml, Optional.of("3.6.0"));
    assertEquals(List.of(), v.errors());
    assertEquals(List.of(), v.warnings());
    assertTrue(v.valid());
  }

  /**
   * A minimal definition for every connector of the catalogue: its required options, the values
   * connector opposite.
   */
  static Stream<Arguments> everyConnector() {
    return CATALOG.connectors().stream().map(c -> Arguments.of(c.kind().key() + " " + c.type(), c));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyConnector")
  void everyCatalogueConnectorPassesWithItsRequiredOptions(String name, Connector c) {
    String yaml = example(c);
    Validation v = validator.validate(yaml, Optional.empty());
    assertEquals(List.of(), v.errors(), yaml);
    assertEquals(List.of(), v.warnings(), yaml);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyConnector")
  void everyCatalogueConnectorMissesEachRequiredOption(String name, Connector c) {
    for (String required : c.required()) {
      String yaml =
          example(c)
              .lines()
              .filter(l -> !l.startsWith("  " + required + ":"))
              .collect(Collectors.joining("\n"));
      FieldError e = validator.validate(yaml).get(0);
      assertEquals(c.kind().key() + "." + required, e.path(), yaml);
      assertEquals(c.kind() == Kind.SOURCE ? 1 : 3, e.line());
      assertEquals(1, e.column());
      assertTrue(
          e.message().contains("'" + required + "'") && e.message().contains(c.type()),
          e.message());
    }
  }

  private static String example(Connector c) {
    String section =
        c.kind().key()
            + ":\n  type: "
            + c.type()
            + "\n"
            + c.required().stream().map(r -> "  " + r + ": x\n").collect(Collectors.joining());
    String other = (c.kind() == Kind.SOURCE ? "sink" : "source") + ":\n  type: values\n";
    return c.kind() == Kind.SOURCE ? section + other : other + section;
  }

  static final String VALUES = "source:\n  type: values\nsink:\n  type: values\n";

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of(
            "missing source",
            "sink:\n  type: values\n",
            "source",
            1,
            1,
            "missing required section 'source'"),
        Arguments.of(
            "missing sink",
            "# a comment\nsource:\n  type: values\n",
            "sink",
            2,
            1,
            "missing required section 'sink'"),
        Arguments.of(
            "unknown top-level key",
            VALUES + "sinks:\n  type: values\n",
            "sinks",
            5,
            1,
            "unknown top-level key 'sinks'; allowed: source, sink, route, transform, pipeline"),
        Arguments.of(
            "missing type",
            "source:\n  hostname: localhost\nsink:\n  type: values\n",
            "source.type",
            1,
            1,
            "missing 'type'"),
        Arguments.of(
            "unknown type",
            "source:\n  type: mysqll\nsink:\n  type: values\n",
            "source.type",
            2,
            9,
            "unknown source type 'mysqll'; known source types: mysql, postgres"),
        Arguments.of(
            "sink type as source",
            "source:\n  type: doris\nsink:\n  type: values\n",
            "source.type",
            2,
            9,
            "'doris' is a sink connector, not a source"),
        Arguments.of(
            "missing required option",
            """
            source:
              type: mysql
              hostname: localhost
              username: root
              tables: app_db.\\.*
            sink:
              type: values
            """,
            "source.password",
            1,
            1,
            "missing required option 'password' of the mysql source"),
        Arguments.of(
            "required option without value",
            """
            source:
              type: values
            sink:
              type: doris
              fenodes:
              username: root
            """,
            "sink.fenodes",
            5,
            3,
            "requires a value for 'fenodes'"),
        Arguments.of(
            "route entry without sink-table",
            VALUES
                + """
            route:
              - source-table: app_db.orders
                sink-table: ods_db.ods_orders
              - source-table: app_db.shipments
            """,
            "route[1].sink-table",
            8,
            5,
            "missing required 'sink-table' in route 2"),
        Arguments.of(
            "route not a list",
            VALUES + "route:\n  source-table: a.b\n  sink-table: c.d\n",
            "route",
            6,
            3,
            "must be a list"),
        Arguments.of(
            "transform without source-table",
            VALUES + "transform:\n  - projection: id\n",
            "transform[0].source-table",
            6,
            5,
            "missing required 'source-table' in transform 1"),
        Arguments.of(
            "parallelism 0",
            VALUES + "pipeline:\n  parallelism: 0\n",
            "pipeline.parallelism",
            6,
            16,
            "must be a positive whole number, got '0'"),
        Arguments.of(
            "parallelism two",
            VALUES + "pipeline:\n  parallelism: \"two\"\n",
            "pipeline.parallelism",
            6,
            16,
            "must be a positive whole number, got 'two'"),
        Arguments.of(
            "bad schema.change.behavior",
            VALUES + "pipeline:\n  schema.change.behavior: evolution\n",
            "pipeline.schema.change.behavior",
            6,
            27,
            "must be one of IGNORE, LENIENT, TRY_EVOLVE, EVOLVE, EXCEPTION, got 'evolution'"),
        Arguments.of(
            "YAML syntax error",
            "source:\n  type: values\n  hostname: [a, b\nsink:\n  type: values\n",
            "",
            4,
            5,
            "YAML syntax error"),
        Arguments.of("tab indentation", "source:\n\ttype: values\n", "", 2, 1, "YAML syntax error"),
        Arguments.of(
            "duplicate key",
            "source:\n  type: values\n  type: mysql\nsink:\n  type: values\n",
            "source.type",
            3,
            3,
            "duplicate key 'type' (first at line 2)"),
        Arguments.of(
            "duplicate top-level key",
            VALUES + "sink:\n  type: values\n",
            "sink",
            5,
            1,
            "duplicate key 'sink'"),
        Arguments.of(
            "duplicate nested and dotted key",
            """
            source:
              type: values
            sink:
              type: kafka
              properties.bootstrap.servers: a:9092
              properties:
                bootstrap.servers: b:9092
            """,
            "sink.properties.bootstrap.servers",
            7,
            5,
            "duplicate key 'properties.bootstrap.servers'"),
        Arguments.of(
            "duplicate route key",
            VALUES + "route:\n  - source-table: a\n    source-table: b\n    sink-table: c\n",
            "route[0].source-table",
            7,
            5,
            "duplicate key"),
        Arguments.of("empty document", "# nothing yet\n", "", 1, 1, "empty"),
        Arguments.of(
            "top level is a list",
            "- source\n- sink\n",
            "",
            1,
            1,
            "the top level must be a mapping"),
        Arguments.of(
            "source is a value",
            "source: mysql\nsink:\n  type: values\n",
            "source",
            1,
            9,
            "must be a mapping of connector options"),
        Arguments.of(
            "option is a list",
            "source:\n  type: values\nsink:\n  type: doris\n  fenodes: [a, b]\n  username: u\n",
            "sink.fenodes",
            5,
            12,
            "must be a single value, not a list"),
        Arguments.of(
            "schema changes not a list",
            VALUES + "  include.schema.changes: add.column\n",
            "sink.include.schema.changes",
            5,
            27,
            "must be a list of schema change types"),
        Arguments.of(
            "aliased secret",
            """
            source:
              type: mysql
              hostname: h
              username: &u root
              password: *u
              tables: t
            sink:
              type: values
            """,
            "source.password",
            5,
            3,
            "a secret cannot be a YAML alias"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void invalidDefinitionsReportTheFirstErrorWithItsPosition(
      String name, String yaml, String path, int line, int column, String message) {
    Validation v = validator.validate(yaml, Optional.empty());
    assertFalse(v.valid());
    FieldError first = v.errors().get(0);
    assertEquals(path, first.path(), () -> v.errors().toString());
    assertEquals(line, first.line(), () -> v.errors().toString());
    assertEquals(column, first.column(), () -> v.errors().toString());
    assertTrue(first.message().contains(message), first.message());
  }

  @Test
  void schemaChangeBehaviorIgnoresCase() {
    for (String behavior : List.of("evolve", "Try_Evolve", "IGNORE", "lenient", "exception")) {
      assertEquals(
          List.of(),
          validator.validate(VALUES + "pipeline:\n  schema.change.behavior: " + behavior + "\n"));
    }
    assertEquals(
        List.of(),
        validator.validate(VALUES + "pipeline:\n  schema:\n    change.behavior: evolve\n"));
  }

  @Test
  void everyProblemIsReportedInDocumentOrder() {
    List<FieldError> errors =
        validator.validate(
            """
        source:
          type: mysql
        sink:
          type: nosuch
        pipeline:
          parallelism: -1
        """);
    assertEquals(
        List.of(
            "source.hostname",
            "source.username",
            "source.password",
            "source.tables",
            "sink.type",
            "pipeline.parallelism"),
        errors.stream().map(FieldError::path).toList());
  }

  @Test
  void aConnectorNewerThanTheClusterFailsValidationNamingTheVersionThatHasIt() {
    Validation v = validator.validate(MYSQL_TO_ICEBERG, Optional.of("3.3.1"));
    assertFalse(v.valid());
    FieldError e = v.errors().get(0);
    assertEquals("sink.type", e.path());
    assertEquals(9, e.line());
    assertEquals(9, e.column());
    assertEquals(
        "the iceberg sink connector needs Flink CDC 3.4.0 or later; the cluster runs 3.3.1",
        e.message());
    assertEquals(List.of(), validator.validate(MYSQL_TO_ICEBERG, Optional.of("3.4.0")).errors());
    assertEquals(
        List.of(), validator.validate(MYSQL_TO_ICEBERG, Optional.of("not a version")).errors());
    assertTrue(validator.validate(MYSQL_TO_ICEBERG, Optional.empty()).valid());

    Validation postgres = validator.validate(POSTGRES_TO_PAIMON, Optional.of("3.4"));
    assertEquals(List.of("source.type"), postgres.errors().stream().map(FieldError::path).toList());
  }

  @Test
  void newerSchemaChangeBehaviorsFailOnOlderClusters() {
    Validation v = validator.validate(VALUES_TO_VALUES, Optional.of("3.1.1"));
    assertFalse(v.valid());
    assertEquals(
        List.of("pipeline.schema.change.behavior"),
        v.errors().stream().map(FieldError::path).toList());
    assertTrue(
        v.errors()
            .get(0)
            .message()
            .contains("needs Flink CDC 3.2.0 or later; the cluster runs 3.1.1"));
    assertTrue(validator.validate(VALUES_TO_VALUES, Optional.of("3.2.0")).valid());
  }

  @Test
  void anOptionNewerThanTheClusterFailsValidationNamingTheVersionThatHasIt() {
    String kafka =
        """
        source:
          type: values
        sink:
          type: kafka
          properties.bootstrap.servers: k:9092
          sink.tableId-to-topic.mapping: a.b.c:t
        """;
    Validation old = validator.validate(kafka, Optional.of("3.2.1"));
    assertFalse(old.valid());
    FieldError e = old.errors().get(0);
    assertEquals("sink.sink.tableId-to-topic.mapping", e.path());
    assertEquals(
        "the kafka sink option 'sink.tableId-to-topic.mapping' needs Flink CDC 3.3.0 or later; the cluster"
            + " runs 3.2.1",
        e.message());
    assertTrue(validator.validate(kafka, Optional.of("3.3.0")).valid());
    assertTrue(validator.validate(kafka, Optional.empty()).valid());
  }

  @Test
  void unknownOptionsAndRouteKeysAreWarningsWithASuggestion() {
    Validation v =
        validator.validate(
            """
        source:
          type: mysql
          hostname: h
          hostnme: h
          username: u
          password: p
          tables: t
          debezium.snapshot.mode: never
        sink:
          type: values
        route:
          - source-table: a
            sink-table: b
            sink_table: c
        """,
            Optional.empty());
    assertTrue(v.valid(), v.errors().toString());
    assertEquals(
        List.of("source.hostnme", "route[0].sink_table"),
        v.warnings().stream().map(FieldError::path).toList());
    assertTrue(
        v.warnings().get(0).message().contains("did you mean 'hostname'?"),
        v.warnings().get(0).message());
    assertEquals(4, v.warnings().get(0).line());
    assertEquals(3, v.warnings().get(0).column());
    assertTrue(v.warnings().get(1).message().contains("did you mean 'sink-table'?"));
  }

  @Test
  void nestedOptionsCountAsDottedKeys() {
    Validation v =
        validator.validate(
            """
        source:
          type: values
        sink:
          type: paimon
          catalog:
            properties:
              metastore: filesystem
              warehouse: /tmp/paimon
        """,
            Optional.empty());
    assertEquals(List.of(), v.errors());
    assertEquals(List.of(), v.warnings());
  }

  @Test
  void messagesNeverQuoteSecretValues() {
    List<FieldError> errors =
        validator.validate(
            """
        source:
          type: mysql
          hostname: h
          username: u
          password: [hunter2]
          tables: t
        sink:
          type: values
          password: "unclosed-hunter3
        """);
    assertFalse(errors.isEmpty());
    errors.forEach(e -> assertFalse(e.message().contains("hunter"), e.message()));
    validator
        .validate("source:\n  type: mysql\n  password: [hunter2]\nsink:\n  type: values\n")
        .forEach(e -> assertFalse(e.message().contains("hunter"), e.message()));
  }

  @Test
  void hostileDocumentsAreRefusedNotExpanded() {
    StringBuilder laughs = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for (char c = 'b'; c <= 'p'; c++) {
      char prev = (char) (c - 1);
      laughs
          .append(c)
          .append(": &")
          .append(c)
          .append(" [")
          .append(("*" + prev + ", ").repeat(9))
          .append('*')
          .append(prev)
          .append("]\n");
    }
    FieldError bomb = validator.validate(laughs.toString()).get(0);
    assertTrue(bomb.message().contains("aliases"), bomb.message());

    String deep = "source:\n  a: " + "[".repeat(100) + "]".repeat(100) + "\n";
    assertFalse(validator.validate(deep).isEmpty());
    FieldError tooLarge = validator.validate("# " + "x".repeat(300 * 1024)).get(0);
    assertTrue(tooLarge.message().contains("too large"), tooLarge.message());
  }

  @Test
  void aCollectionThatContainsItselfIsAnErrorNotAStackOverflow() {
    for (String yaml :
        List.of(
            "a: &a [*a]\n",
            VALUES + "route: &r [*r]\n",
            VALUES + "pipeline:\n  extra: &x [1, [*x]]\n",
            "source: &s [{type: values, more: *s}]\nsink:\n  type: values\n")) {
      List<FieldError> errors = validator.validate(yaml);
      assertFalse(errors.isEmpty(), yaml);
    }
    List<FieldError> errors = validator.validate(VALUES + "pipeline:\n  extra: &x [1, [*x]]\n");
    assertTrue(
        errors.stream()
            .anyMatch(
                e ->
                    e.message().contains("contains it") && e.path().equals("pipeline.extra[1][0]")),
        errors.toString());
  }

  @Test
  void requireValidThrowsEveryError() {
    ValidationFailed e =
        assertThrows(
            ValidationFailed.class,
            () -> validator.requireValid("source:\n  type: x\n", Optional.empty()));
    assertEquals(
        List.of("sink", "source.type"), e.errors().stream().map(FieldError::path).toList());
    assertEquals(List.of(), validator.requireValid(VALUES, Optional.empty()));
  }
}
