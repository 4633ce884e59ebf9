package io.cdcconsole.sandbox.junit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private PostgreSQL server for CDC tests (Debian's {@code postgresql} binaries): its own data
 * directory, on 127.0.0.1 and a free port, with {@code wal_level=logical} for a Postgres CDC source
 * (logical replication, a slot per source, the {@code pgoutput} plug-in). Local connections are
 * trusted (the test's own server). PostgreSQL refuses to run as root: as root, the server and its
 * tools run as the {@code postgres} user through {@code runuser}.
 */
public final class PostgresServer implements AutoCloseable {

  private final Path bin;
  private final Path data;
  private final int port;

  private PostgresServer(Path bin, Path data, int port) {
    this.bin = bin;
    this.data = data;
    this.port = port;
  }

  private static Optional<Path> bin() {
    Path root = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(root)) {
      return versions
          .map(v -> v.resolve("bin"))
          .filter(b -> Files.isExecutable(b.resolve("initdb")))
          .max(Comparator.naturalOrder());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static boolean root() {
    return "root".equals(System.getProperty("user.name"));
  }

  /** Why no server can be started here (a test skips with it), or empty. */
  public static Optional<String> missing() {
    if (bin().isEmpty()) {
      return Optional.of(
          "PostgreSQL is not installed (/usr/lib/postgresql/*/bin/initdb; Debian package postgresql)");
    }
    if (root() && !Files.isExecutable(Path.of("/usr/sbin/runuser"))) {
      return Optional.of("running as root without runuser: PostgreSQL cannot be started");
    }
    return Optional.empty();
  }

  public static PostgresServer start(Path dir) throws IOException, InterruptedException {
    Path bin = bin().orElseThrow(() -> new IllegalStateException(missing().orElseThrow()));
    Files.createDirectories(dir);
    if (root()) {
      run(List.of("chown", "postgres", dir.toString()), 30);
    }
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    PostgresServer server = new PostgresServer(bin, dir.resolve("data"), port);
    run(
        server.as(
            bin.resolve("initdb").toString(),
            "-D",
            server.data.toString(),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8"),
        120);
    run(
        server.as(
            bin.resolve("pg_ctl").toString(),
            "-D",
            server.data.toString(),
            "-l",
            dir.resolve("postgres.log").toString(),
            "-w",
            "-t",
            "60",
            "-o",
            "-c wal_level=logical"
                + " -c max_replication_slots=8 -c max_wal_senders=8 -c listen_addresses=127.0.0.1 -p "
                + port
                + " -k "
                + dir,
            "start"),
        90);
    return server;
  }

  public int port() {
    return port;
  }

  /**
   * Runs SQL as the superuser {@code postgres} in {@code database}; throws with psql's output when
   * it fails.
   */
  public String sql(String database, String statements) {
    try {
      return run(
          List.of(
              bin.resolve("psql").toString(),
              "-h",
              "127.0.0.1",
              "-p",
              Integer.toString(port),
              "-U",
              "postgres",
              "-d",
              database,
              "-v",
              "ON_ERROR_STOP=1",
              "-At",
              "-c",
              statements),
          60);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    try {
      run(
          as(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "stop"),
          60);
    } catch (Exception e) {
      System.err.println("PostgreSQL did not stop cleanly: " + e.getMessage());
    }
  }

  private List<String> as(String... command) {
    List<String> full = new ArrayList<>();
    if (root()) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(List.of(command));
    return full;
  }

  private static String run(List<String> command, int seconds)
      throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
    String text = new String(out, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + text);
    }
    return text;
  }
}
