package io.cdcconsole.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cdcconsole.store.Page;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The list answer written straight to the generator is, to the character, the document the details'
 * maps give: {@link Pipeline#head} and {@link PipelineSummary.CurrentRun#toJson()} in the page
 * envelope — nulls, key order, escapes, times and the labels' order included.
 */
class PipelineListJsonTest {
  private static final Instant T0 = Instant.parse("2026-12-07T02:03:04.123456Z");

  @Test
  void writesWhatTheMapsWouldWrite() {
    Map<String, String> labels = new HashMap<>();
    labels.put("zone", "b \"quoted\" \\ back");
    labels.put("env", "生产");
    labels.put("a", "");
    List<PipelineSummary> items =
        List.of(
            // never ran, no description, no owner
            new PipelineSummary(1, "never-ran", null, 7, Map.of(), null, 1, T0, T0, null),
            // a run without a health verdict (not RUNNING), a start time not yet known
            new PipelineSummary(
                2,
                "stopped\nline",
                "orders → doris",
                7,
                labels,
                "op",
                3,
                T0,
                T0.plusSeconds(60),
                new PipelineSummary.CurrentRun(
                    11, "STOPPED", false, false, "0".repeat(32), null, null)),
            // RUNNING with a verdict, without and with a lag
            new PipelineSummary(
                3,
                "running",
                "",
                8,
                Map.of("team", "t1"),
                "admin",
                12,
                T0,
                T0,
                new PipelineSummary.CurrentRun(
                    12,
                    "RUNNING",
                    true,
                    true,
                    "a".repeat(32),
                    T0,
                    new PipelineSummary.Health("STALLED", "no records", T0, null))),
            new PipelineSummary(
                4,
                "lagging",
                "x",
                8,
                Map.of(),
                "admin",
                1,
                T0,
                T0,
                new PipelineSummary.CurrentRun(
                    13,
                    "RUNNING",
                    false,
                    true,
                    "b".repeat(32),
                    T0,
                    new PipelineSummary.Health("LAGGING", null, T0, 9_000_000_000L))));
    Page<PipelineSummary> page = new Page<>(items, 10_004, 50, 20);

    JsonArray expectedItems = new JsonArray();
    for (PipelineSummary p : items) {
      expectedItems.add(
          Pipeline.head(
                  p.id(),
                  p.name(),
                  p.description(),
                  p.clusterId(),
                  p.labels(),
                  p.owner(),
                  p.version(),
                  p.createdAt(),
                  p.updatedAt())
              .put("currentRun", p.currentRun() == null ? null : p.currentRun().toJson()));
    }
    JsonObject expected =
        new JsonObject()
            .put("items", expectedItems)
            .put("total", 10_004L)
            .put("limit", 50)
            .put("offset", 20);

    assertEquals(expected.encode(), PipelineListJson.encode(page).toString());
  }

  @Test
  void anEmptyPage() {
    assertEquals(
        "{\"items\":[],\"total\":0,\"limit\":20,\"offset\":0}",
        PipelineListJson.encode(new Page<>(List.of(), 0, 20, 0)).toString());
  }

  @Test
  void writesTimesAsTheIsoFormatterDoes() {
    List<Instant> times =
        new java.util.ArrayList<>(
            List.of(
                Instant.parse("2026-12-07T02:03:00Z"), // no seconds: still written
                Instant.parse("2026-12-07T00:00:00.100Z"),
                Instant.parse("2026-12-07T02:03:04.000001Z"),
                Instant.parse("2026-12-07T02:03:04.000000001Z"),
                Instant.parse("1970-01-01T00:00:00Z"),
                Instant.parse("9999-12-31T23:59:59.999999999Z"),
                Instant.parse("0999-01-01T00:00:00Z"),
                Instant.parse("+12026-01-01T00:00:00Z"),
                Instant.parse("-0001-01-01T00:00:00Z")));
    java.util.Random random = new java.util.Random(20261207);
    for (int i = 0; i < 10_000; i++) {
      long second = random.nextLong(-62_000_000_000L, 300_000_000_000L);
      int nano =
          switch (i % 4) {
            case 0 -> 0;
            case 1 -> random.nextInt(1000) * 1_000_000;
            case 2 -> random.nextInt(1_000_000) * 1000;
            default -> random.nextInt(1_000_000_000);
          };
      times.add(Instant.ofEpochSecond(second, nano));
    }
    for (Instant at : times) {
      assertEquals(
          java.time.format.DateTimeFormatter.ISO_INSTANT.format(at), PipelineListJson.iso(at));
    }
  }
}
