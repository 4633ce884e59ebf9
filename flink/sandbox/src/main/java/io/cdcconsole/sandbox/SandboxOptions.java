package io.cdcconsole.sandbox;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Command line of {@link FlinkSandbox}: {@code --port N --work-dir DIR --slots N --conf key=value
 * --exit-with-pid P}.
 */
public final class SandboxOptions {

  public static final int DEFAULT_PORT = 8081;
  public static final int DEFAULT_SLOTS = 8;
  public static final String DEFAULT_WORK_DIR_NAME = "flink-sandbox-work";

  public static final String USAGE =
      String.join(
          System.lineSeparator(),
          "Usage: java -jar flink-sandbox.jar [--port N] [--work-dir DIR] [--slots N] [--conf key=value]...",
          "  --port N        REST / web UI port on 127.0.0.1 (default 8081; 0 picks a free port)",
          "  --work-dir DIR  logs, uploaded jars, checkpoints and savepoints (default: flink-sandbox-work",
          "                  next to the jar, or in the current directory when not run from a jar)",
          "  --slots N       task slots of the single TaskManager (default 8)",
          "  --conf k=v      any extra Flink configuration option (repeatable)",
          "  --exit-with-pid P  stop when process P ends (used by the JUnit extension so that no",
          "                  sandbox outlives a killed test JVM)",
          "Prints one line to stdout when the REST endpoint answers:",
          "  FLINK SANDBOX READY port=<port> url=http://127.0.0.1:<port>");

  private final int port;
  private final Path workDir;
  private final int slots;
  private final Map<String, String> extraConfig;
  private final long exitWithPid;

  private SandboxOptions(
      int port, Path workDir, int slots, Map<String, String> extraConfig, long exitWithPid) {
    this.port = port;
    this.workDir = workDir;
    this.slots = slots;
    this.extraConfig = Collections.unmodifiableMap(extraConfig);
    this.exitWithPid = exitWithPid;
  }

  public int port() {
    return port;
  }

  public Path workDir() {
    return workDir;
  }

  public int slots() {
    return slots;
  }

  public Map<String, String> extraConfig() {
    return extraConfig;
  }

  /** Process id whose end stops the sandbox, or 0. */
  public long exitWithPid() {
    return exitWithPid;
  }

  /**
   * Parses the command line.
   *
   * @throws IllegalArgumentException on an unknown flag or a bad value (the message says which)
   */
  public static SandboxOptions parse(String... args) {
    int port = DEFAULT_PORT;
    Path workDir = null;
    int slots = DEFAULT_SLOTS;
    Map<String, String> extra = new LinkedHashMap<>();
    long exitWithPid = 0;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String name = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0 && !arg.startsWith("--conf=")) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      } else if (arg.startsWith("--conf=")) {
        name = "--conf";
        value = arg.substring("--conf=".length());
      }
      switch (name) {
        case "--port":
          port = parseInt(name, value != null ? value : next(args, ++i, name));
          if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be between 0 and 65535, was " + port);
          }
          break;
        case "--work-dir":
          String dir = value != null ? value : next(args, ++i, name);
          if (dir.isBlank()) {
            throw new IllegalArgumentException("--work-dir must not be empty");
          }
          workDir = Path.of(dir);
          break;
        case "--slots":
          slots = parseInt(name, value != null ? value : next(args, ++i, name));
          if (slots < 1) {
            throw new IllegalArgumentException("--slots must be at least 1, was " + slots);
          }
          break;
        case "--conf":
          String kv = value != null ? value : next(args, ++i, name);
          int sep = kv.indexOf('=');
          if (sep <= 0) {
            throw new IllegalArgumentException("--conf expects key=value, was '" + kv + "'");
          }
          extra.put(kv.substring(0, sep).trim(), kv.substring(sep + 1).trim());
          break;
        case "--exit-with-pid":
          String pid = value != null ? value : next(args, ++i, name);
          try {
            exitWithPid = Long.parseLong(pid.trim());
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                "--exit-with-pid expects a process id, was '" + pid + "'");
          }
          if (exitWithPid <= 0) {
            throw new IllegalArgumentException("--exit-with-pid expects a process id, was " + pid);
          }
          break;
        default:
          throw new IllegalArgumentException("Unknown argument '" + arg + "'");
      }
    }
    if (workDir == null) {
      workDir = defaultWorkDir();
    }
    return new SandboxOptions(
        port, workDir.toAbsolutePath().normalize(), slots, extra, exitWithPid);
  }

  static boolean wantsHelp(String... args) {
    for (String arg : args) {
      if (arg.equals("--help") || arg.equals("-h")) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code flink-sandbox-work} next to the jar when run with {@code java -jar}, else in the current
   * directory.
   */
  static Path defaultWorkDir() {
    try {
      var source = FlinkSandbox.class.getProtectionDomain().getCodeSource();
      if (source != null && source.getLocation() != null) {
        Path location = Path.of(source.getLocation().toURI());
        if (Files.isRegularFile(location) && location.getParent() != null) {
          return location.getParent().resolve(DEFAULT_WORK_DIR_NAME);
        }
      }
    } catch (URISyntaxException | RuntimeException e) {
      // fall through to the current directory
    }
    return Path.of(DEFAULT_WORK_DIR_NAME);
  }

  private static String next(String[] args, int i, String name) {
    if (i >= args.length) {
      throw new IllegalArgumentException(name + " needs a value");
    }
    return args[i];
  }

  private static int parseInt(String name, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " expects a number, was '" + value + "'");
    }
  }
}
