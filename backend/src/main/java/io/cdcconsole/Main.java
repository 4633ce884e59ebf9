package io.cdcconsole;

import io.cdcconsole.config.ConfigException;
import io.cdcconsole.config.ConfigLoader;
import io.cdcconsole.config.EncryptCommand;
import io.cdcconsole.config.LogFormat;
import io.cdcconsole.metrics.ConsoleMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;
import sun.misc.Signal;

/**
 * The command line: {@code java -jar cdc-console.jar [--config FILE]} starts the console; {@code
 * java -jar cdc-console.jar encrypt} turns a value on standard input into {@code ENC(...)}. A start
 * that cannot succeed ends with one clear line and exit code 1 (2 for a usage error).
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);
  private static final AtomicBoolean STOPPING = new AtomicBoolean();
  private static final String USAGE =
      """
      usage: java -jar cdc-console.jar [--config FILE]     start the console
             java -jar cdc-console.jar encrypt             read a value on stdin, print it as ENC(...)
      environment: CDC_CONSOLE_HOME (default ./data), CDC_CONSOLE_HTTP_PORT, CDC_CONSOLE_DB_URL, CDC_CONSOLE_DB_USER,
                   CDC_CONSOLE_DB_PASSWORD, CDC_CONSOLE_MASTER_KEY, CDC_CONSOLE_ADMIN_PASSWORD (see README.md)""";

  private Main() {}

  public static void main(String[] args) {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    if (args.length == 1 && "encrypt".equals(args[0])) {
      System.exit(EncryptCommand.run(System.in, System.out, System.err, System.getenv()));
    }
    Optional<Path> configFile;
    try {
      configFile = parseArgs(args);
    } catch (IllegalArgumentException e) {
      System.err.println("cdc-console: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    if (configFile == null) {
      System.out.println(USAGE);
      return;
    }
    ConfigLoader.Loaded loaded;
    try {
      loaded = ConfigLoader.load(configFile, System.getenv());
    } catch (ConfigException e) {
      fail("configuration: " + e.getMessage());
      return;
    }
    if (loaded.config().observability().jsonLogs()) {
      LogFormat.json();
    }
    loaded.config().warnings().forEach(LOG::warn);

    // Vert.x reports into the registry only if built so; without metrics it is built without any
    // (no overhead)
    PrometheusMeterRegistry registry =
        loaded.config().observability().metricsEnabled() ? ConsoleMetrics.newRegistry() : null;
    Vertx vertx =
        registry == null
            ? Vertx.vertx(new VertxOptions())
            : ConsoleMetrics.vertxBuilder(new VertxOptions(), registry).build();
    CountDownLatch started = new CountDownLatch(1);
    ConsoleApp.start(vertx, loaded.config(), loaded.cipher(), registry)
        .onSuccess(
            app -> {
              stopOnSignals(app, vertx);
              Runtime.getRuntime()
                  .addShutdownHook(new Thread(() -> stop(app, vertx), "cdc-console-shutdown"));
              started.countDown();
            })
        .onFailure(
            err -> {
              vertx.close();
              fail(oneLine(err));
            });
    try {
      started.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * SIGTERM (a service manager) and SIGINT (Ctrl-C) stop the console in order first and exit after:
   * the JVM runs its shutdown hooks all at once, and the embedded PostgreSQL's library stops its
   * server from a hook of its own, so a stop run from our hook lost the database midway (run claims
   * and cluster leases not given back: after a restart nothing was watched until they ran out). The
   * hook stays for other exits; where the platform has no such signal, it does the stop.
   */
  private static void stopOnSignals(ConsoleApp app, Vertx vertx) {
    for (String name : List.of("TERM", "INT")) {
      try {
        Signal.handle(
            new Signal(name),
            signal ->
                new Thread(
                        () -> {
                          stop(app, vertx);
                          System.exit(128 + signal.getNumber());
                        },
                        "cdc-console-signal")
                    .start());
      } catch (IllegalArgumentException | UnsupportedOperationException e) {
        LOG.debug("No handler for SIG{}: the shutdown hook stops the console", name);
      }
    }
  }

  /**
   * Stops the console (HTTP, database, embedded server), then Vert.x; each step waited for, one
   * after the other; once (a signal's stop and the shutdown hook after it).
   */
  private static void stop(ConsoleApp app, Vertx vertx) {
    if (!STOPPING.compareAndSet(false, true)) {
      return;
    }
    LOG.info("Stopping CDC Console");
    try {
      app.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      LOG.info("CDC Console stopped");
    } catch (Exception e) {
      LOG.warn("Stopping did not finish cleanly: {}", oneLine(e));
    }
  }

  /** The config file, or null when help was asked for. */
  private static Optional<Path> parseArgs(String[] args) {
    Optional<Path> config = Optional.empty();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--help", "-h" -> {
          return null;
        }
        case "--config" -> {
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException("--config needs a file");
          }
          config = Optional.of(Path.of(args[++i]));
        }
        default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
      }
    }
    return config;
  }

  /**
   * The message of the failure and its causes, without stack frames: one line an operator can act
   * on.
   */
  static String oneLine(Throwable err) {
    StringBuilder sb = new StringBuilder();
    for (Throwable t = err; t != null && sb.length() < 600; t = t.getCause()) {
      String msg =
          t.getMessage() == null
              ? t.getClass().getSimpleName()
              : t.getMessage().replaceAll("\\s+", " ");
      if (sb.indexOf(msg) < 0) {
        sb.append(sb.length() == 0 ? "" : ": ").append(msg);
      }
    }
    return sb.toString();
  }

  private static void fail(String message) {
    System.err.println("cdc-console: cannot start: " + message);
    System.exit(1);
  }
}
