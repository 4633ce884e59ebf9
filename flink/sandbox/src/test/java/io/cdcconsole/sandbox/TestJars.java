package io.cdcconsole.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/** Builds small user jars from compiled test classes. */
final class TestJars {

  private TestJars() {}

  /**
   * Writes a jar with the given classes (and their nested classes) and extra class-path resources
   * (copied byte for byte), with {@code Main-Class} set to the first class.
   */
  static Path jar(Path file, List<Class<?>> classes, List<String> extraResources)
      throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, classes.get(0).getName());
    Files.createDirectories(file.getParent());
    try (OutputStream out = Files.newOutputStream(file);
        JarOutputStream jar = new JarOutputStream(out, manifest)) {
      for (Class<?> cls : classes) {
        for (Path classFile : classFiles(cls)) {
          String entry = cls.getPackageName().replace('.', '/') + "/" + classFile.getFileName();
          jar.putNextEntry(new JarEntry(entry));
          Files.copy(classFile, jar);
          jar.closeEntry();
        }
      }
      for (String resource : extraResources) {
        try (InputStream in = TestJars.class.getClassLoader().getResourceAsStream(resource)) {
          if (in == null) {
            throw new IOException("No class-path resource " + resource);
          }
          jar.putNextEntry(new JarEntry(resource));
          in.transferTo(jar);
          jar.closeEntry();
        }
      }
    }
    return file;
  }

  private static List<Path> classFiles(Class<?> cls) throws IOException {
    Path root;
    try {
      root = Path.of(cls.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IOException(e);
    }
    Path dir = root.resolve(cls.getPackageName().replace('.', '/'));
    String name = cls.getSimpleName();
    List<Path> files = new ArrayList<>();
    try (Stream<Path> list = Files.list(dir)) {
      list.filter(
              p -> {
                String f = p.getFileName().toString();
                return f.equals(name + ".class")
                    || (f.startsWith(name + "$") && f.endsWith(".class"));
              })
          .forEach(files::add);
    }
    if (files.isEmpty()) {
      throw new IOException("No class files for " + cls + " in " + dir);
    }
    return files;
  }
}
