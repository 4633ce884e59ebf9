package io.cdcconsole.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The console's typed configuration, after defaults, the YAML file and the environment were merged
 * and ENC() decrypted.
 */
public record ConsoleConfig(
    Path home,
    Http http,
    Database database,
    Auth auth,
    Clusters clusters,
    Runs runs,
    Events events,
    Health health,
    Observability observability,
    List<String> warnings) {

  /**
   * {@code idleTimeout}: a connection that sends and receives nothing for this long is closed
   * (event streams keep theirs busy). {@code headerTimeout}: the longest a connection may take from
   * opening, or from the end of its previous answer, to the end of a request's headers. {@code
   * instances}: HTTP server verticles, each on its own event loop (default: one per core). {@code
   * tls}: when present, the port serves HTTPS only.
   */
  public record Http(
      String host,
      int port,
      int maxBodyBytes,
      Duration idleTimeout,
      Duration headerTimeout,
      int instances,
      Optional<Tls> tls) {
    public String scheme() {
      return tls.isPresent() ? "https" : "http";
    }
  }

  /** PEM files: the certificate (chain, leaf first) and its private key (PKCS#8, or PKCS#1 RSA). */
  public record Tls(Path certFile, Path keyFile) {}

  /**
   * {@code url} empty means: run the embedded Postgres with its data in {@code
   * $CDC_CONSOLE_HOME/postgres}.
   */
  public record Database(
      Optional<String> url, String user, Optional<Secret> password, int poolSize) {
    public boolean embedded() {
      return url.isEmpty();
    }
  }

  /**
   * {@code cacheTtl}: how long a looked-up principal (session user, API token) is reused without
   * reading the database; changes made through this console drop it at once, so the TTL only bounds
   * changes made elsewhere (zero: no cache).
   */
  public record Auth(
      Optional<Secret> jwtSecret,
      Duration tokenLifetime,
      Optional<Secret> adminPassword,
      int passwordHashCost,
      Lockout lockout,
      Duration cacheTtl) {}

  /**
   * Failed sign-ins: after {@code maxFailures} for one user (or {@code maxFailuresPerAddress} for
   * one client address) within {@code window}, refuse for {@code duration}.
   */
  public record Lockout(
      int maxFailures, int maxFailuresPerAddress, Duration window, Duration duration) {}

  /**
   * How often every cluster is probed, and how long one probe may take before the cluster counts as
   * unreachable. {@code lease} is how long a console's hold on watching a cluster lasts without
   * renewal: a cluster whose watching console died is watched by another after at most twice this.
   */
  public record Clusters(Duration healthInterval, Duration probeTimeout, Duration lease) {}

  /**
   * Running pipelines. {@code flinkCdcDir} holds Flink CDC jars by version ({@code
   * <dir>/3.2.0/*.jar}) for clusters whose Flink CDC is shipped by the console. {@code consoleUrl}
   * is how a JobManager reaches this console to fetch a launch ticket (empty: this console's own
   * address, right when Flink runs on the same host). {@code lease} is how long a console's claim
   * on a submission or a savepoint/stop lasts without renewal: a crashed console's work is taken up
   * by another (or by itself restarted) after it.
   */
  public record Runs(
      Optional<String> consoleUrl,
      Duration pollInterval,
      Duration fastPollInterval,
      Duration lostGrace,
      Duration checkpointInterval,
      int checkpointsPerSecond,
      Path flinkCdcDir,
      Duration dsRetryBackoff,
      List<String> allowedFlinkConfig,
      List<String> savepointPrefixes,
      Duration operationGiveUp,
      int savepointKeep,
      Duration savepointMaxAge,
      Duration lease) {}

  /**
   * {@code GET /events} streams: a keep-alive (and a fresh check of the caller's credentials) every
   * {@code keepAlive}, at most {@code maxStreamsPerUser} open streams per user and {@code
   * maxStreams} in all.
   */
  public record Events(Duration keepAlive, int maxStreamsPerUser, int maxStreams) {}

  /**
   * Health of RUNNING jobs (docs/health.md): measured every {@code metricsInterval} per job, at
   * most {@code metricsPerSecond} jobs per cluster per second; the verdict thresholds; {@code
   * history} kept.
   */
  public record Health(
      Duration metricsInterval,
      int metricsPerSecond,
      Duration lagThreshold,
      int lagPeriods,
      int stallPeriods,
      int checkpointFailures,
      int restarts,
      Duration window,
      Duration history,
      Duration alertRetryBackoff) {}

  /**
   * {@code GET /metrics}: on the HTTP port behind the bearer {@code metricsToken}, and/or without a
   * token on {@code metricsPort} (0: none) of 127.0.0.1 only. Neither set: no metrics are collected
   * and /metrics answers 404. {@code jsonLogs}: one JSON object per log line instead of text.
   */
  public record Observability(Optional<Secret> metricsToken, int metricsPort, boolean jsonLogs) {
    public boolean metricsEnabled() {
      return metricsToken.isPresent() || metricsPort > 0;
    }
  }

  public Path confDir() {
    return home.resolve("conf");
  }
}
