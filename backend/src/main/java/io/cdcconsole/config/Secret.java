package io.cdcconsole.config;

/** A secret value kept out of {@code toString()}, so that logging a config record never prints it. */
public record Secret(String value) {

  @Override
  public String toString() {
    return "******";
  }
}
