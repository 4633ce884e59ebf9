package io.cdcconsole.sandbox.junit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds project files from a test's working directory (the module's, or the project root). */
public final class ProjectPaths {

  private ProjectPaths() {}

  /**
   * {@code path} itself if absolute, else the first existing {@code dir/path} for the working dir
   * and its parents.
   */
  public static Optional<Path> find(Path path) {
    if (path.isAbsolute()) {
      return Files.exists(path) ? Optional.of(path) : Optional.empty();
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(path).normalize();
      if (Files.exists(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /**
   * The project root: the nearest directory (working dir or a parent) holding {@code mvnw} and
   * {@code flink/}.
   */
  public static Optional<Path> projectRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve("flink"))) {
        return Optional.of(dir);
      }
    }
    return Optional.empty();
  }
}
