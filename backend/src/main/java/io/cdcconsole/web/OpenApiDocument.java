package io.cdcconsole.web;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The contract of {@code /api/v1}: {@code openapi/openapi.yaml} on the classpath, hand-written and
 * the one source of the served JSON, the reference at {@code /api/docs}, the SPA's generated types
 * and the tests' response checks.
 */
public final class OpenApiDocument {
  public static final String RESOURCE = "openapi/openapi.yaml";

  private OpenApiDocument() {}

  /**
   * Reads and converts the document; blocking (file IO and YAML parsing), so callers run it on a
   * worker.
   */
  public static JsonObject read() {
    try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      }
      Map<String, Object> map = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
      return new JsonObject(map);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
