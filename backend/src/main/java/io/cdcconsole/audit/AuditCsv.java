package io.cdcconsole.audit;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Audit rows as CSV (RFC 4180, every cell quoted). A cell that a spreadsheet would take for a
 * formula (it starts with {@code = + - @}, a tab or a carriage return) gets a leading apostrophe:
 * actor names, resource ids and details come from callers, and an export opened in Excel must not
 * run what someone typed into them.
 */
public final class AuditCsv {
  private AuditCsv() {}

  public static final String HEADER =
      line(
          Stream.of(
              "id",
              "at",
              "actor",
              "action",
              "resourceType",
              "resourceId",
              "outcome",
              "status",
              "clientAddress",
              "detail"));

  public static String row(AuditEvent e) {
    return line(
        Stream.of(
            e.id(),
            e.at(),
            e.actorName(),
            e.action(),
            e.resourceType(),
            e.resourceId(),
            e.outcome(),
            e.status(),
            e.clientAddress(),
            e.detail() == null ? null : e.detail().encode()));
  }

  public static String rows(List<AuditEvent> events) {
    return events.stream().map(AuditCsv::row).collect(Collectors.joining());
  }

  private static String line(Stream<?> cells) {
    return cells.map(AuditCsv::cell).collect(Collectors.joining(",", "", "\r\n"));
  }

  static String cell(Object value) {
    String text = value == null ? "" : value.toString();
    if (!text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0) {
      text = "'" + text;
    }
    return '"' + text.replace("\"", "\"\"") + '"';
  }
}
