package io.cdcconsole.sandbox.junit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The {@code java} arguments that start a sandbox with another Flink CDC than its {@code lib/}
 * holds: what {@code java -jar} would do with the jar's manifest, by hand. A jar on {@code -cp}
 * still drags its manifest's {@code Class-Path} (with the built-in Flink CDC) along, so the
 * sandbox's classes come from {@code <name>-core.jar}, built next to it without a class path.
 */
final class SandboxClassPath {

  private SandboxClassPath() {}

  static List<String> command(Path sandboxJar, List<Path> flinkCdcJars) {
    Manifest manifest;
    try (JarFile jar = new JarFile(sandboxJar.toFile())) {
      manifest = jar.getManifest();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the manifest of " + sandboxJar, e);
    }
    Attributes main = manifest.getMainAttributes();
    String name = sandboxJar.getFileName().toString();
    Path core =
        sandboxJar.resolveSibling(name.substring(0, name.length() - ".jar".length()) + "-core.jar");
    if (!Files.isRegularFile(core)) {
      throw new IllegalStateException(
          core + " is missing: build the sandbox module with `package`");
    }
    List<String> classPath = new ArrayList<>();
    classPath.add(core.toString());
    for (String entry : main.getValue(Attributes.Name.CLASS_PATH).trim().split("\\s+")) {
      if (!Path.of(entry).getFileName().toString().startsWith("flink-cdc-")) {
        classPath.add(sandboxJar.resolveSibling(entry).toString());
      }
    }
    flinkCdcJars.forEach(j -> classPath.add(j.toAbsolutePath().toString()));

    List<String> args = new ArrayList<>();
    for (String opens : words(main.getValue("Add-Opens"))) {
      args.add("--add-opens=" + opens + "=ALL-UNNAMED");
    }
    for (String exports : words(main.getValue("Add-Exports"))) {
      args.add("--add-exports=" + exports + "=ALL-UNNAMED");
    }
    args.add("-cp");
    args.add(String.join(File.pathSeparator, classPath));
    args.add(main.getValue(Attributes.Name.MAIN_CLASS));
    return args;
  }

  private static List<String> words(String value) {
    return value == null || value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
  }
}
