package io.cdcconsole.run;

import io.cdcconsole.cluster.FlinkRestClient.FlinkRestException;
import io.cdcconsole.error.ValidationFailed;

/**
 * Flink's failure texts made readable: a refusal's cause chain without stack frames, a first line.
 */
final class FlinkErrors {
  private FlinkErrors() {}

  static String describe(Throwable err) {
    if (err instanceof FlinkRestException f && !f.errors().isEmpty()) {
      String cause = "Flink refused the job (HTTP " + f.status() + "): " + causes(f.errors());
      return cause.length() > 8000 ? cause.substring(0, 8000) + " …" : cause;
    }
    if (err instanceof ValidationFailed v) {
      return v.detail();
    }
    return err.getMessage() == null ? err.getClass().getSimpleName() : err.getMessage();
  }

  /**
   * Flink's errors carry whole stack traces: keep the message and the "Caused by" chain, which say
   * what went wrong.
   */
  private static String causes(java.util.List<String> errors) {
    java.util.List<String> lines = new java.util.ArrayList<>();
    for (String error : errors) {
      for (String line : error.split("\n")) {
        String t = line.trim();
        if (t.isEmpty()
            || t.startsWith("at ")
            || t.startsWith("...")
            || t.startsWith("<Exception on server side")
            || t.startsWith("End of exception on server side")
            || t.equals("Internal server error.")) {
          continue;
        }
        if (!lines.contains(t)) {
          lines.add(t);
        }
      }
    }
    return String.join("\n", lines);
  }

  static String firstLine(String text) {
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl);
  }

  /**
   * A job's failure as the run keeps it: the root cause (the last "Caused by"), then the trace's
   * first lines.
   */
  static String head(String stackTrace) {
    String[] lines = stackTrace.split("\n");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(lines.length, 12); i++) {
      sb.append(lines[i]).append('\n');
    }
    // the root cause is the last "Caused by" line of the whole trace
    for (int i = lines.length - 1; i >= 0; i--) {
      if (lines[i].startsWith("Caused by:")) {
        return lines[i].substring("Caused by:".length()).trim() + "\n" + sb;
      }
    }
    return sb.toString().trim();
  }
}
