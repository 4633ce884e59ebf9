package io.cdcconsole.sandbox.junit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A Flink CDC release the sandbox can put on its class path, and where its jars come from:
 *
 * <ul>
 *   <li>3.2.0: the sandbox's own {@code lib/} (Maven Central; values connector 3.1.0);
 *   <li>3.1.1: Maven Central, copied by the sandbox build to {@code
 *       flink/sandbox/target/flink-cdc/3.1.1/} (with the values connector 3.1.0, the only one
 *       served);
 *   <li>3.3.0 to 3.6.0 and 3.6.0 for Flink 2: jars built from the release tags, kept outside the
 *       project as test data in {@code ../shared/flink-cdc/<version>/} beside the project root, or
 *       in the directory named by the system property {@value #SHARED_DIR_PROPERTY}. They are never
 *       copied into the project.
 * </ul>
 */
public record FlinkCdcVersion(String version, int flinkMajor, Source source) {

  public static final String SHARED_DIR_PROPERTY = "cdc.flink-cdc.dir";

  public enum Source {
    BUILT_IN,
    MAVEN,
    SHARED
  }

  public static final FlinkCdcVersion V3_1_1 = new FlinkCdcVersion("3.1.1", 1, Source.MAVEN);
  public static final FlinkCdcVersion V3_2_0 = new FlinkCdcVersion("3.2.0", 1, Source.BUILT_IN);
  public static final FlinkCdcVersion V3_3_0 = new FlinkCdcVersion("3.3.0", 1, Source.SHARED);
  public static final FlinkCdcVersion V3_4_0 = new FlinkCdcVersion("3.4.0", 1, Source.SHARED);
  public static final FlinkCdcVersion V3_5_0 = new FlinkCdcVersion("3.5.0", 1, Source.SHARED);
  public static final FlinkCdcVersion V3_6_0 = new FlinkCdcVersion("3.6.0", 1, Source.SHARED);
  public static final FlinkCdcVersion V3_6_0_FLINK2 =
      new FlinkCdcVersion("3.6.0-flink2", 2, Source.SHARED);

  /** The releases for Flink 1.x clusters, oldest first. */
  public static final List<FlinkCdcVersion> FLINK1 =
      List.of(V3_1_1, V3_2_0, V3_3_0, V3_4_0, V3_5_0, V3_6_0);

  /**
   * The directory of the test data jars: the system property, else {@code ../shared/flink-cdc} of
   * the project root.
   */
  public static Optional<Path> sharedDir() {
    String configured = System.getProperty(SHARED_DIR_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      return Optional.of(Path.of(configured).toAbsolutePath().normalize())
          .filter(Files::isDirectory);
    }
    return ProjectPaths.projectRoot()
        .map(root -> root.resolveSibling("shared").resolve("flink-cdc"))
        .filter(Files::isDirectory);
  }

  /**
   * The jars' directory, or empty for the built-in version; throws when absent (see {@link
   * #missing()}).
   */
  public Optional<Path> directory() {
    return switch (source) {
      case BUILT_IN -> Optional.empty();
      case MAVEN ->
          Optional.of(
              ProjectPaths.find(Path.of("flink/sandbox/target/flink-cdc", version))
                  .orElseThrow(() -> new IllegalStateException(missing().orElseThrow())));
      case SHARED ->
          Optional.of(
              sharedDir()
                  .map(d -> d.resolve(version))
                  .filter(Files::isDirectory)
                  .orElseThrow(() -> new IllegalStateException(missing().orElseThrow())));
    };
  }

  /**
   * Why this version cannot be put on a sandbox here (a test skips with this message), or empty.
   */
  public Optional<String> missing() {
    return switch (source) {
      case BUILT_IN -> Optional.empty();
      case MAVEN ->
          ProjectPaths.find(Path.of("flink/sandbox/target/flink-cdc", version)).isPresent()
              ? Optional.empty()
              : Optional.of(
                  "Flink CDC "
                      + version
                      + " jars not found in flink/sandbox/target/flink-cdc/"
                      + version
                      + ": build flink/sandbox with `package` first");
      case SHARED ->
          sharedDir().map(d -> d.resolve(version)).filter(Files::isDirectory).isPresent()
              ? Optional.empty()
              : Optional.of(
                  "Flink CDC "
                      + version
                      + " test jars not found: expected ../shared/flink-cdc/"
                      + version
                      + " beside the project root ("
                      + ProjectPaths.projectRoot().orElse(null)
                      + ") or -D"
                      + SHARED_DIR_PROPERTY
                      + "=<dir holding "
                      + version
                      + "/>");
    };
  }

  /**
   * The jars of this version: for the built-in one its jars in the sandbox's {@code lib/} (so that
   * a sandbox started with them runs with {@code -cp} like the others, and {@code
   * /jobmanager/environment} lists them; with {@code java -jar} it lists only the sandbox jar,
   * whose manifest holds the class path).
   */
  public List<Path> jars() {
    Path dir =
        source == Source.BUILT_IN
            ? ProjectPaths.find(Path.of("flink/sandbox/target/lib"))
                .orElseThrow(
                    () ->
                        new IllegalStateException(
                            "flink/sandbox/target/lib not found: build flink/sandbox"))
            : directory().orElseThrow();
    try (var files = Files.list(dir)) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(".jar"))
          .filter(
              f -> source != Source.BUILT_IN || f.getFileName().toString().startsWith("flink-cdc-"))
          .sorted()
          .toList();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Puts this version on the sandbox's class path, with any further jars (e.g. a connector and its
   * driver).
   */
  public FlinkSandboxExtension applyTo(FlinkSandboxExtension sandbox, Path... more) {
    List<Path> jars = new java.util.ArrayList<>(jars());
    jars.addAll(List.of(more));
    return sandbox.flinkCdc(jars);
  }

  @Override
  public String toString() {
    return version;
  }
}
