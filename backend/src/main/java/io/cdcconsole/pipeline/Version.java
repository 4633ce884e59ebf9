package io.cdcconsole.pipeline;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Flink CDC release number, compared numerically ("3.10.0" is after "3.9.1"). Parsing is lenient
 * because clusters report versions such as "3.2", "v3.3.0" or "3.7-SNAPSHOT": missing parts count
 * as 0 and a qualifier is ignored.
 */
public record Version(int major, int minor, int patch) implements Comparable<Version> {
  private static final Pattern FORM =
      Pattern.compile("v?(\\d{1,6})(?:\\.(\\d{1,6}))?(?:\\.(\\d{1,6}))?(?:[-+.].*)?");

  public Version {
    if (major < 0 || minor < 0 || patch < 0) {
      throw new IllegalArgumentException("version parts cannot be negative");
    }
  }

  /**
   * Parses "3", "3.2", "3.2.1", with an optional leading "v" and any "-qualifier"; throws when it
   * is not one.
   */
  public static Version parse(String text) {
    return tryParse(text)
        .orElseThrow(() -> new IllegalArgumentException("not a version number: " + text));
  }

  public static Optional<Version> tryParse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    Matcher m = FORM.matcher(text.trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    return Optional.of(
        new Version(Integer.parseInt(m.group(1)), part(m.group(2)), part(m.group(3))));
  }

  public boolean isAfter(Version other) {
    return compareTo(other) > 0;
  }

  @Override
  public int compareTo(Version o) {
    int c = Integer.compare(major, o.major);
    if (c == 0) {
      c = Integer.compare(minor, o.minor);
    }
    return c != 0 ? c : Integer.compare(patch, o.patch);
  }

  @Override
  public String toString() {
    return major + "." + minor + "." + patch;
  }

  private static int part(String group) {
    return group == null ? 0 : Integer.parseInt(group);
  }
}
