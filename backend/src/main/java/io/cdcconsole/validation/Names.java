package io.cdcconsole.validation;

import io.cdcconsole.error.ValidationFailed;
import java.util.regex.Pattern;

/**
 * Names of resources (clusters, pipelines, secrets) are slugs: safe in URLs, file names and Flink
 * job names.
 */
public final class Names {
  private static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  private Names() {}

  public static String slug(String field, String value) {
    if (value == null || !SLUG.matcher(value).matches()) {
      throw ValidationFailed.of(
          field,
          "must be 1 to 63 lowercase letters, digits or '-', starting with a letter or digit (e.g. orders-to-doris)");
    }
    return value;
  }

  /**
   * The name of a resource also addressable by id (cluster, pipeline, DS connection): a slug with
   * at least one letter or '-', since a reference of digits only is read as an id ({@code
   * store.IdOrName}).
   */
  public static String resourceName(String field, String value) {
    slug(field, value);
    if (value.chars().allMatch(Character::isDigit)) {
      throw ValidationFailed.of(
          field, "must not be digits only: a reference of digits is read as an id");
    }
    return value;
  }

  public static boolean isSlug(String value) {
    return value != null && SLUG.matcher(value).matches();
  }
}
