package io.cdcconsole.pipeline;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.cdcconsole.store.Page;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.TreeMap;

/**
 * The answer of {@code GET /pipelines}, written straight from the records to one Jackson generator:
 * per item the fields of {@link Pipeline#head} and {@code currentRun} as the details answer them
 * ({@link PipelineSummary.CurrentRun#toJson()}), in the {@link Page} envelope — same fields, same
 * order, nulls written — without a map per item, run and label set to build and walk again: at 50
 * items that building was most of a list request's CPU (docs/benchmarks.md, issue 15).
 * PipelineListJsonTest holds it to the text the maps would give.
 */
final class PipelineListJson {
  private static final JsonFactory FACTORY = new JsonFactory();

  private PipelineListJson() {}

  static Buffer encode(Page<PipelineSummary> page) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512 + 400 * page.items().size());
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeArrayFieldStart("items");
      for (PipelineSummary p : page.items()) {
        item(g, p);
      }
      g.writeEndArray();
      g.writeNumberField("total", page.total());
      g.writeNumberField("limit", page.limit());
      g.writeNumberField("offset", page.offset());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Buffer.buffer(out.toByteArray());
  }

  private static void item(JsonGenerator g, PipelineSummary p) throws IOException {
    g.writeStartObject();
    g.writeNumberField("id", p.id());
    g.writeStringField("name", p.name());
    g.writeStringField("description", p.description());
    g.writeNumberField("clusterId", p.clusterId());
    g.writeObjectFieldStart("labels");
    // in key order, as Labels.toJson answers them
    Map<String, String> labels =
        p.labels() instanceof TreeMap<String, String> sorted ? sorted : new TreeMap<>(p.labels());
    for (Map.Entry<String, String> label : labels.entrySet()) {
      g.writeStringField(label.getKey(), label.getValue());
    }
    g.writeEndObject();
    g.writeStringField("owner", p.owner());
    g.writeNumberField("version", p.version());
    instant(g, "createdAt", p.createdAt());
    instant(g, "updatedAt", p.updatedAt());
    g.writeFieldName("currentRun");
    PipelineSummary.CurrentRun run = p.currentRun();
    if (run == null) {
      g.writeNull();
    } else {
      g.writeStartObject();
      g.writeNumberField("id", run.id());
      g.writeStringField("state", run.state());
      g.writeBooleanField("stale", run.stale());
      g.writeStringField("jobId", run.jobId());
      instant(g, "startedAt", run.startedAt());
      g.writeBooleanField("active", run.active());
      g.writeFieldName("health");
      PipelineSummary.Health health = run.health();
      if (health == null) {
        g.writeNull();
      } else {
        g.writeStartObject();
        g.writeStringField("status", health.status());
        g.writeStringField("reason", health.reason());
        instant(g, "at", health.at());
        g.writeFieldName("lagMs");
        if (health.lagMs() == null) {
          g.writeNull();
        } else {
          g.writeNumber(health.lagMs());
        }
        g.writeEndObject();
      }
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  /** As Vert.x writes an {@link Instant}: ISO-8601 in UTC. */
  private static void instant(JsonGenerator g, String field, Instant at) throws IOException {
    if (at == null) {
      g.writeNullField(field);
    } else {
      g.writeStringField(field, iso(at));
    }
  }

  /**
   * The text of {@link DateTimeFormatter#ISO_INSTANT}, built by {@link LocalDateTime#toString}
   * (seconds always, the fraction in groups of three digits): the formatter's general machinery was
   * an eighth of the list's CPU at 10 000 pipelines (docs/benchmarks.md, "the list, profiled").
   */
  static String iso(Instant at) {
    LocalDateTime utc =
        LocalDateTime.ofEpochSecond(at.getEpochSecond(), at.getNano(), ZoneOffset.UTC);
    if (utc.getYear() < 1000 || utc.getYear() > 9999) {
      return DateTimeFormatter.ISO_INSTANT.format(at); // signs and widths of far years
    }
    String text = utc.toString();
    return utc.getSecond() == 0 && utc.getNano() == 0 ? text + ":00Z" : text + "Z";
  }
}
