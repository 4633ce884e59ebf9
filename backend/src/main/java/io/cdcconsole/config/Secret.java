package io.cdcconsole.config;

/**
 * A secret value kept out of {@code toString()}, so that logging a config record never prints it.
 */
public record Secret(String value) {
  /** What API answers show in place of a secret; sending it back means "keep the stored value". */
  public static final String MASK = "******";

  @Override
  public String toString() {
    return "******";
  }
}
