package io.cdcconsole.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.pipeline.ConnectorCatalog.Connector;
import io.cdcconsole.pipeline.ConnectorCatalog.Kind;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConnectorCatalogTest {
  private final ConnectorCatalog catalog = ConnectorCatalog.builtIn();

  @Test
  void builtInIsLoadedOnceAndListsTheConnectors() {
    assertSame(catalog, ConnectorCatalog.builtIn());
    assertTrue(
        catalog.types(Kind.SOURCE).containsAll(List.of("mysql", "postgres", "values", "oracle")));
    assertTrue(
        catalog
            .types(Kind.SINK)
            .containsAll(
                List.of(
                    "doris",
                    "starrocks",
                    "kafka",
                    "paimon",
                    "iceberg",
                    "elasticsearch",
                    "values",
                    "oceanbase",
                    "maxcompute",
                    "fluss",
                    "hudi")));
    assertFalse(catalog.types(Kind.SOURCE).contains("doris"));
  }

  @ParameterizedTest
  @CsvSource({
    "source, mysql, 3.0.0", "source, values, 3.0.0", "source, postgres, 3.5.0",
        "source, oracle, 3.6.0",
    "sink, doris, 3.0.0", "sink, starrocks, 3.0.0", "sink, values, 3.0.0", "sink, kafka, 3.1.0",
    "sink, paimon, 3.1.0", "sink, elasticsearch, 3.2.0", "sink, oceanbase, 3.3.0",
        "sink, maxcompute, 3.3.0",
    "sink, iceberg, 3.4.0", "sink, fluss, 3.5.0", "sink, hudi, 3.6.0"
  })
  void sinceIsTheFirstReleaseWithThePipelineConnector(String kind, String type, String since) {
    assertEquals(Optional.of(Version.parse(since)), catalog.since(Kind.of(kind), type));
  }

  @Test
  void typesMatchExactlyAndPerKind() {
    assertTrue(catalog.find(Kind.SOURCE, "mysql").isPresent());
    assertTrue(catalog.find(Kind.SOURCE, "MySQL").isEmpty());
    assertTrue(catalog.find(Kind.SINK, "mysql").isEmpty());
    assertTrue(catalog.find(Kind.SINK, null).isEmpty());
    assertEquals(
        List.of("hostname", "username", "password", "tables"),
        catalog.find(Kind.SOURCE, "mysql").orElseThrow().required());
    assertEquals(
        List.of("hostname", "username", "password", "tables", "slot.name"),
        catalog.find(Kind.SOURCE, "postgres").orElseThrow().required());
  }

  @ParameterizedTest(name = "{0} {1} {2} secret={3}")
  @CsvSource({
    "source, mysql, password, true",
    "source, mysql, PASSWORD, true",
    "source, mysql, username, false",
    "source, mysql, tables, false",
    "source, mysql, server-id, false",
    "source, mysql, jdbc.properties.password, true",
    "source, mysql, jdbc.properties.trustCertificateKeyStorePassword, true",
    "source, mysql, debezium.database.ssl.keystore.password, true",
    "source, nosuchdb, password, true",
    "source, nosuchdb, hostname, false",
    "sink, kafka, properties.sasl.jaas.config, true",
    "sink, kafka, properties.ssl.keystore.password, true",
    "sink, kafka, properties.ssl.truststore.password, true",
    "sink, kafka, properties.ssl.key.password, true",
    "sink, kafka, properties.ssl.keystore.key, true",
    "sink, kafka, properties.ssl.truststore.location, false",
    "sink, kafka, properties.bootstrap.servers, false",
    "sink, kafka, topic, false",
    "sink, doris, password, true",
    "sink, doris, table.create.properties.replication_num, false",
    "sink, paimon, catalog.properties.s3.access-key, true",
    "sink, paimon, catalog.properties.s3.secret-key, true",
    "sink, paimon, catalog.properties.fs.oss.accessKeySecret, true",
    "sink, paimon, catalog.properties.warehouse, false",
    "sink, paimon, table.properties.s3.secret-key, true",
    "sink, iceberg, catalog.properties.s3.access-key-id, true",
    "sink, iceberg, catalog.properties.s3.secret-access-key, true",
    "sink, iceberg, catalog.properties.credential, true",
    "sink, iceberg, catalog.properties.token, true",
    "sink, iceberg, hadoop.conf.fs.s3a.secret.key, true",
    "sink, iceberg, partition.key, false",
    "sink, maxcompute, access-id, true",
    "sink, maxcompute, access-key, true",
    "sink, maxcompute, sts-token, true",
    "sink, maxcompute, project, false",
    "sink, fluss, properties.client.security.sasl.password, true",
    "sink, fluss, bucket.key, false",
    "sink, elasticsearch, sharding.suffix.key, false",
    "sink, elasticsearch, password, true",
    "sink, values, print.enabled, false"
  })
  void secretOptionsFollowTheConnectorAndTheGlobalPatterns(
      String kind, String type, String key, boolean secret) {
    assertEquals(secret, catalog.isSecret(Kind.of(kind), type, key));
  }

  @ParameterizedTest
  @CsvSource({
    "source, mysql, hostname, true",
    "source, mysql, port, true",
    "source, mysql, debezium.database.hostname, true",
    "source, mysql, jdbc.properties.socksProxyHost, true",
    "source, mysql, username, false",
    "source, mysql, tables, false",
    "source, mysql, password, false",
    "sink, doris, fenodes, true",
    "sink, doris, jdbc-url, true",
    "sink, starrocks, load-url, true",
    "sink, kafka, properties.bootstrap.servers, true",
    "sink, kafka, topic, false",
    "sink, paimon, catalog.properties.warehouse, true",
    "sink, iceberg, catalog.properties.s3.endpoint, true",
    "sink, elasticsearch, hosts, true",
    "sink, maxcompute, tunnel.endpoint, true",
    "sink, maxcompute, project, false"
  })
  void endpointOptionsFollowTheConnectorAndTheGlobalPatterns(
      String kind, String type, String key, boolean endpoint) {
    assertEquals(endpoint, catalog.isEndpoint(Optional.of(Kind.of(kind)), type, key));
  }

  @Test
  void catalogueIsConsistent() {
    for (Connector c : catalog.connectors()) {
      for (String secret : c.secrets()) {
        assertTrue(catalog.isSecret(c.kind(), c.type(), secret), c.type() + " " + secret);
      }
      for (String endpoint : c.endpoints()) {
        assertTrue(
            catalog.isEndpoint(Optional.of(c.kind()), c.type(), endpoint),
            c.type() + " " + endpoint);
        assertTrue(c.knowsOption(endpoint), c.type() + " knows its endpoint " + endpoint);
        assertFalse(
            catalog.isSecret(c.kind(), c.type(), endpoint),
            c.type() + " " + endpoint + " is not a secret");
      }
      c.options()
          .ifPresent(
              options -> {
                assertTrue(
                    options.containsAll(c.required()),
                    c.type() + " lists its required options among its options");
                c.required().forEach(r -> assertTrue(c.knowsOption(r)));
              });
      c.prefixes().forEach(p -> assertTrue(c.knowsOption(p + "anything"), c.type() + " " + p));
      assertEquals(c.type(), c.toJson().getString("type"));
    }
  }

  @Test
  void knowsOptionsOnlyWhenTheyAreListed() {
    Connector kafka = catalog.find(Kind.SINK, "kafka").orElseThrow();
    assertTrue(kafka.knowsOption("topic"));
    assertTrue(kafka.knowsOption("properties.bootstrap.servers"));
    assertTrue(kafka.knowsOption("debezium-json.timestamp-format.standard"));
    assertFalse(kafka.knowsOption("topics"));
    Connector unlisted =
        new Connector(
            "x",
            Kind.SINK,
            "X",
            Version.parse("3.0"),
            List.of(),
            List.of(),
            List.of(),
            List.of(),
            Optional.empty(),
            Map.of());
    assertTrue(unlisted.knowsOption("anything"));
  }

  @Test
  void aBrokenCatalogueIsRefusedWithTheReason() {
    IllegalStateException twice =
        assertThrows(
            IllegalStateException.class,
            () ->
                ConnectorCatalog.parse(
                    """
        connectors:
          - {type: a, kind: sink, since: 3.0.0}
          - {type: a, kind: sink, since: 3.1.0}
        """));
    assertTrue(twice.getMessage().contains("listed twice"), twice.getMessage());
    IllegalStateException kind =
        assertThrows(
            IllegalStateException.class,
            () -> ConnectorCatalog.parse("connectors: [{type: a, kind: both, since: 3.0.0}]"));
    assertTrue(kind.getMessage().contains("kind must be source or sink"), kind.getMessage());
    IllegalStateException since =
        assertThrows(
            IllegalStateException.class,
            () -> ConnectorCatalog.parse("connectors: [{type: a, kind: sink, since: soon}]"));
    assertTrue(since.getMessage().contains("since"), since.getMessage());
    assertThrows(IllegalStateException.class, () -> ConnectorCatalog.parse("connectors: {}"));
  }

  @ParameterizedTest
  @CsvSource({
    "3.2.0, 3, 2, 0",
    "3.2, 3, 2, 0",
    "v3.3.1, 3, 3, 1",
    "3.7-SNAPSHOT, 3, 7, 0",
    "' 3.10.2 ', 3, 10, 2"
  })
  void versionsParseLeniently(String text, int major, int minor, int patch) {
    assertEquals(new Version(major, minor, patch), Version.parse(text));
  }

  @Test
  void versionsCompareNumerically() {
    assertTrue(Version.parse("3.10.0").isAfter(Version.parse("3.9.9")));
    assertTrue(Version.parse("3.2.1").isAfter(Version.parse("3.2")));
    assertFalse(Version.parse("3.2.0").isAfter(Version.parse("3.2")));
    assertEquals("3.2.0", Version.parse("3.2").toString());
    assertTrue(Version.tryParse("latest").isEmpty());
    assertTrue(Version.tryParse(null).isEmpty());
    assertThrows(IllegalArgumentException.class, () -> Version.parse("x.y"));
  }
}
