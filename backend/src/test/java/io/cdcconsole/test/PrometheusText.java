package io.cdcconsole.test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4 (no maintained Java parser of it
 * resolves here: the io.prometheus artifacts only write it). Rejects what Prometheus would: a
 * sample before its {@code # TYPE}, a bad name, label or value, a duplicate series, a histogram
 * without its {@code +Inf} bucket or {@code _count}.
 */
public final class PrometheusText {
  public record Sample(String name, Map<String, String> labels, double value) {}

  public record Family(String name, String type, List<Sample> samples) {
    /** The samples named {@code name} whose labels include all of {@code labels}. */
    public List<Sample> find(String name, Map<String, String> labels) {
      return samples.stream()
          .filter(
              s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
          .toList();
    }
  }

  private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
  private static final Pattern TYPE =
      Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
  private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") .*");
  private static final Pattern SAMPLE =
      Pattern.compile("(" + NAME + ")(\\{(.*)})? (\\S+)( -?[0-9]+)?");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"(,|$)");
  private static final Pattern VALUE =
      Pattern.compile("[+-]?(Inf|NaN|[0-9]*\\.?[0-9]+([eE][+-]?[0-9]+)?|[0-9]+\\.)");

  private PrometheusText() {}

  public static Map<String, Family> parse(String text) {
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new IllegalArgumentException("the exposition does not end with a line feed");
    }
    Map<String, Family> families = new LinkedHashMap<>();
    Set<String> series = new HashSet<>();
    Family current = null;
    int lineNo = 0;
    for (String line : text.split("\n")) {
      lineNo++;
      if (line.isEmpty()) {
        continue;
      }
      String where = "line " + lineNo + " '" + line + "'";
      Matcher m;
      if ((m = TYPE.matcher(line)).matches()) {
        if (families.containsKey(m.group(1))) {
          throw new IllegalArgumentException(where + ": a second TYPE for " + m.group(1));
        }
        current = new Family(m.group(1), m.group(2), new ArrayList<>());
        families.put(current.name(), current);
      } else if (HELP.matcher(line).matches()
          || line.startsWith("# ") && !line.startsWith("# TYPE")) {
        // HELP, or a comment
      } else if ((m = SAMPLE.matcher(line)).matches()) {
        String name = m.group(1);
        if (current == null || !belongs(name, current)) {
          throw new IllegalArgumentException(
              where + ": a sample outside the family declared before it");
        }
        Map<String, String> labels = labels(m.group(3), where);
        if (!VALUE.matcher(m.group(4)).matches()) {
          throw new IllegalArgumentException(where + ": not a sample value");
        }
        if (!series.add(name + labels)) {
          throw new IllegalArgumentException(where + ": a duplicate series");
        }
        double value = Double.parseDouble(m.group(4).replace("Inf", "Infinity"));
        current.samples().add(new Sample(name, labels, value));
      } else {
        throw new IllegalArgumentException(where + ": neither a comment nor a sample");
      }
    }
    families.values().stream()
        .filter(f -> f.type().equals("histogram"))
        .forEach(PrometheusText::checkHistogram);
    return families;
  }

  private static boolean belongs(String sample, Family family) {
    if (sample.equals(family.name())) {
      return !family.type().equals("histogram");
    }
    return switch (family.type()) {
      case "histogram" ->
          List.of("_bucket", "_count", "_sum", "_created").stream()
              .anyMatch(suffix -> sample.equals(family.name() + suffix));
      case "summary" ->
          List.of("_count", "_sum", "_created").stream()
              .anyMatch(suffix -> sample.equals(family.name() + suffix));
      default -> false;
    };
  }

  private static Map<String, String> labels(String text, String where) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (text == null || text.isEmpty()) {
      return labels;
    }
    Matcher m = LABEL.matcher(text);
    int at = 0;
    while (at < text.length()) {
      if (!m.find(at) || m.start() != at) {
        throw new IllegalArgumentException(where + ": bad labels at '" + text.substring(at) + "'");
      }
      String value = m.group(2).replace("\\n", "\n").replace("\\\"", "\"").replace("\\\\", "\\");
      if (labels.put(m.group(1), value) != null) {
        throw new IllegalArgumentException(where + ": label " + m.group(1) + " twice");
      }
      at = m.end();
    }
    return labels;
  }

  /** Every series of a histogram has an {@code le="+Inf"} bucket equal to its {@code _count}. */
  private static void checkHistogram(Family family) {
    for (Sample count :
        family.samples().stream().filter(s -> s.name().endsWith("_count")).toList()) {
      Map<String, String> withInf = new LinkedHashMap<>(count.labels());
      withInf.put("le", "+Inf");
      List<Sample> inf = family.find(family.name() + "_bucket", withInf);
      if (inf.size() != 1 || inf.get(0).value() != count.value()) {
        throw new IllegalArgumentException(
            family.name() + count.labels() + ": no +Inf bucket equal to _count");
      }
    }
  }
}
