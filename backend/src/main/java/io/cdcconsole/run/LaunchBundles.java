package io.cdcconsole.run;

import io.cdcconsole.cluster.Cluster;
import io.cdcconsole.error.ValidationFailed;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * The jar a run uploads. For a cluster that has Flink CDC on its class path ({@code provided}): the
 * launcher alone. For one whose Flink CDC the console ships: the launcher with the Flink CDC jars
 * the pipeline needs nested under {@code lib/} (Flink puts a user jar's {@code lib/*.jar} on the
 * job's class path) — the core jars of the cluster's Flink CDC version plus the connectors of the
 * pipeline's source and sink types. Bundles are written once into {@code
 * $CDC_CONSOLE_HOME/bundles}, named after their content, and uploaded from there.
 */
final class LaunchBundles {
  private static final String CONNECTOR_PREFIX = "flink-cdc-pipeline-connector-";

  /** A jar on disk ready for {@code /jars/upload}. */
  record Bundle(String fileName, Path file, long size) {}

  private final Vertx vertx;
  private final Future<LauncherJar> launcher;
  private final Path bundleDir;
  private final Path cdcDir;

  LaunchBundles(Vertx vertx, Future<LauncherJar> launcher, Path bundleDir, Path cdcDir) {
    this.vertx = vertx;
    this.launcher = launcher;
    this.bundleDir = bundleDir;
    this.cdcDir = cdcDir;
  }

  Future<Bundle> forRun(Cluster cluster, Set<String> connectorTypes) {
    return launcher.compose(
        jar ->
            vertx.executeBlocking(
                () ->
                    "shipped".equals(cluster.cdc().mode())
                        ? shipped(jar, cluster.cdc().version(), connectorTypes)
                        : provided(jar),
                false));
  }

  private Bundle provided(LauncherJar jar) throws IOException {
    Path file = bundleDir.resolve(jar.fileName());
    if (!Files.exists(file)) {
      write(file, out -> out.write(jar.bytes().getBytes()));
    }
    return new Bundle(jar.fileName(), file, Files.size(file));
  }

  private Bundle shipped(LauncherJar jar, String version, Set<String> connectorTypes)
      throws IOException {
    Path dir = cdcDir.resolve(version);
    if (!Files.isDirectory(dir)) {
      throw ValidationFailed.of(
          "cluster.cdc",
          "the cluster's Flink CDC "
              + version
              + " is shipped by the console, but "
              + dir
              + " does not exist: put the Flink CDC "
              + version
              + " jars there (or set CDC_CONSOLE_FLINK_CDC_DIR)");
    }
    List<Path> jars = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().forEach(jars::add);
    }
    List<Path> needed =
        new ArrayList<>(jars.stream().filter(j -> !name(j).startsWith(CONNECTOR_PREFIX)).toList());
    for (String type : connectorTypes) {
      List<Path> connector =
          jars.stream().filter(j -> name(j).startsWith(CONNECTOR_PREFIX + type + "-")).toList();
      if (connector.isEmpty()) {
        throw ValidationFailed.of(
            "yaml",
            "no jar of the '"
                + type
                + "' connector ("
                + CONNECTOR_PREFIX
                + type
                + "-*.jar) in "
                + dir);
      }
      needed.addAll(connector);
    }
    String hash = hash(jar, needed);
    String fileName = "cdc-console-launcher-" + hash + ".jar";
    Path file = bundleDir.resolve(fileName);
    if (!Files.exists(file)) {
      write(file, out -> nest(jar, needed, out));
    }
    return new Bundle(fileName, file, Files.size(file));
  }

  private static void nest(LauncherJar jar, List<Path> libs, OutputStream target)
      throws IOException {
    try (JarInputStream in =
            new JarInputStream(new java.io.ByteArrayInputStream(jar.bytes().getBytes()));
        JarOutputStream out =
            in.getManifest() == null
                ? new JarOutputStream(target)
                : new JarOutputStream(target, in.getManifest())) {
      for (JarEntry e; (e = in.getNextJarEntry()) != null; ) {
        out.putNextEntry(new JarEntry(e.getName()));
        in.transferTo(out);
        out.closeEntry();
      }
      for (Path lib : libs) {
        out.putNextEntry(new JarEntry("lib/" + name(lib)));
        try (InputStream src = Files.newInputStream(lib)) {
          src.transferTo(out);
        }
        out.closeEntry();
      }
    }
  }

  private interface Writer {
    void write(OutputStream out) throws IOException;
  }

  /**
   * Writes next to the target and moves it in place, so that a half-written bundle is never
   * uploaded.
   */
  private static void write(Path file, Writer writer) throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp = Files.createTempFile(file.getParent(), "bundle-", ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      writer.write(out);
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * Names the bundle after the launcher and the jars in it (name and size: jars of a release do not
   * change).
   */
  private static String hash(LauncherJar jar, List<Path> libs) throws IOException {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(jar.hash().getBytes(StandardCharsets.UTF_8));
      for (Path lib : libs) {
        digest.update((name(lib) + ":" + Files.size(lib) + ";").getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String name(Path p) {
    return p.getFileName().toString();
  }
}
