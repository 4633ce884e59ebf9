package io.cdcconsole.config;

/**
 * Every configuration key: its path in the YAML file, the environment variable that overrides it,
 * and its default. One table, so that the file, the environment and the README name the same
 * things.
 */
public enum Setting {
  HTTP_HOST("http.host", "CDC_CONSOLE_HTTP_HOST", "0.0.0.0"),
  HTTP_PORT("http.port", "CDC_CONSOLE_HTTP_PORT", "8080"),
  HTTP_MAX_BODY_SIZE("http.maxBodySize", "CDC_CONSOLE_HTTP_MAX_BODY_SIZE", "1048576"),
  HTTP_IDLE_TIMEOUT("http.idleTimeout", "CDC_CONSOLE_HTTP_IDLE_TIMEOUT", "120s"),
  HTTP_INSTANCES("http.instances", "CDC_CONSOLE_HTTP_INSTANCES", null),
  HTTP_HEADER_TIMEOUT("http.headerTimeout", "CDC_CONSOLE_HTTP_HEADER_TIMEOUT", "60s"),
  HTTP_TLS_CERT_FILE("http.tls.certFile", "CDC_CONSOLE_HTTP_TLS_CERT_FILE", null),
  HTTP_TLS_KEY_FILE("http.tls.keyFile", "CDC_CONSOLE_HTTP_TLS_KEY_FILE", null),
  DB_URL("database.url", "CDC_CONSOLE_DB_URL", null),
  DB_USER("database.user", "CDC_CONSOLE_DB_USER", null),
  DB_PASSWORD("database.password", "CDC_CONSOLE_DB_PASSWORD", null),
  DB_POOL_SIZE("database.poolSize", "CDC_CONSOLE_DB_POOL_SIZE", "8"),
  JWT_SECRET("auth.jwtSecret", "CDC_CONSOLE_JWT_SECRET", null),
  TOKEN_LIFETIME("auth.tokenLifetime", "CDC_CONSOLE_TOKEN_LIFETIME", "8h"),
  ADMIN_PASSWORD("auth.adminPassword", "CDC_CONSOLE_ADMIN_PASSWORD", null),
  AUTH_CACHE_TTL("auth.cacheTtl", "CDC_CONSOLE_AUTH_CACHE_TTL", "30s"),
  PASSWORD_HASH_COST("auth.passwordHashCost", "CDC_CONSOLE_PASSWORD_HASH_COST", "12"),
  LOCKOUT_MAX_FAILURES("auth.lockout.maxFailures", "CDC_CONSOLE_LOCKOUT_MAX_FAILURES", "5"),
  LOCKOUT_MAX_FAILURES_PER_ADDRESS(
      "auth.lockout.maxFailuresPerAddress", "CDC_CONSOLE_LOCKOUT_MAX_FAILURES_PER_ADDRESS", "20"),
  LOCKOUT_WINDOW("auth.lockout.window", "CDC_CONSOLE_LOCKOUT_WINDOW", "15m"),
  LOCKOUT_DURATION("auth.lockout.duration", "CDC_CONSOLE_LOCKOUT_DURATION", "15m"),
  CLUSTER_HEALTH_INTERVAL("clusters.healthInterval", "CDC_CONSOLE_CLUSTER_HEALTH_INTERVAL", "10s"),
  CLUSTER_PROBE_TIMEOUT("clusters.probeTimeout", "CDC_CONSOLE_CLUSTER_PROBE_TIMEOUT", "5s"),
  CLUSTER_LEASE("clusters.lease", "CDC_CONSOLE_CLUSTER_LEASE", "15s"),
  CONSOLE_URL("console.url", "CDC_CONSOLE_URL", null),
  FLINK_CDC_DIR("flinkCdc.dir", "CDC_CONSOLE_FLINK_CDC_DIR", null),
  DS_RETRY_BACKOFF("ds.retryBackoff", "CDC_CONSOLE_DS_RETRY_BACKOFF", "5s"),
  RUN_POLL_INTERVAL("runs.pollInterval", "CDC_CONSOLE_RUN_POLL_INTERVAL", "5s"),
  RUN_FAST_POLL_INTERVAL("runs.fastPollInterval", "CDC_CONSOLE_RUN_FAST_POLL_INTERVAL", "1s"),
  RUN_LOST_GRACE("runs.lostGrace", "CDC_CONSOLE_RUN_LOST_GRACE", "60s"),
  RUN_CHECKPOINT_INTERVAL("runs.checkpointInterval", "CDC_CONSOLE_RUN_CHECKPOINT_INTERVAL", "60s"),
  RUN_CHECKPOINTS_PER_SECOND(
      "runs.checkpointsPerSecond", "CDC_CONSOLE_RUN_CHECKPOINTS_PER_SECOND", "2"),
  RUNS_ALLOWED_FLINK_CONFIG(
      "runs.allowedFlinkConfig",
      "CDC_CONSOLE_RUNS_ALLOWED_FLINK_CONFIG",
      "execution.checkpointing.*,execution.runtime-mode,execution.savepoint.ignore-unclaimed-state,"
          + "execution.savepoint-restore-mode,parallelism.default,pipeline.max-parallelism,pipeline.object-reuse,"
          + "pipeline.auto-watermark-interval,restart-strategy.*,state.*,table.exec.*"),
  RUNS_SAVEPOINT_PREFIXES("runs.savepointPrefixes", "CDC_CONSOLE_RUNS_SAVEPOINT_PREFIXES", null),
  RUN_OPERATION_GIVE_UP("runs.operationGiveUp", "CDC_CONSOLE_RUN_OPERATION_GIVE_UP", "30m"),
  RUN_LEASE("runs.lease", "CDC_CONSOLE_RUN_LEASE", "15s"),
  RUN_SAVEPOINT_KEEP(
      "runs.savepointRetention.keep", "CDC_CONSOLE_RUN_SAVEPOINT_RETENTION_KEEP", "10"),
  RUN_SAVEPOINT_MAX_AGE(
      "runs.savepointRetention.maxAge", "CDC_CONSOLE_RUN_SAVEPOINT_RETENTION_MAX_AGE", "30d"),
  RUN_METRICS_INTERVAL("runs.metricsInterval", "CDC_CONSOLE_RUN_METRICS_INTERVAL", "30s"),
  RUN_METRICS_PER_SECOND("runs.metricsPerSecond", "CDC_CONSOLE_RUN_METRICS_PER_SECOND", "4"),
  HEALTH_LAG_THRESHOLD("health.lagThreshold", "CDC_CONSOLE_HEALTH_LAG_THRESHOLD", "5m"),
  HEALTH_LAG_PERIODS("health.lagPeriods", "CDC_CONSOLE_HEALTH_LAG_PERIODS", "3"),
  HEALTH_STALL_PERIODS("health.stallPeriods", "CDC_CONSOLE_HEALTH_STALL_PERIODS", "4"),
  HEALTH_CHECKPOINT_FAILURES(
      "health.checkpointFailures", "CDC_CONSOLE_HEALTH_CHECKPOINT_FAILURES", "3"),
  HEALTH_RESTARTS("health.restarts", "CDC_CONSOLE_HEALTH_RESTARTS", "3"),
  HEALTH_WINDOW("health.window", "CDC_CONSOLE_HEALTH_WINDOW", "15m"),
  HEALTH_HISTORY("health.history", "CDC_CONSOLE_HEALTH_HISTORY", "7d"),
  ALERT_RETRY_BACKOFF("alerts.retryBackoff", "CDC_CONSOLE_ALERT_RETRY_BACKOFF", "5s"),
  EVENTS_KEEP_ALIVE("events.keepAlive", "CDC_CONSOLE_EVENTS_KEEP_ALIVE", "15s"),
  EVENTS_MAX_STREAMS_PER_USER(
      "events.maxStreamsPerUser", "CDC_CONSOLE_EVENTS_MAX_STREAMS_PER_USER", "8"),
  EVENTS_MAX_STREAMS("events.maxStreams", "CDC_CONSOLE_EVENTS_MAX_STREAMS", "256"),
  METRICS_TOKEN("metrics.token", "CDC_CONSOLE_METRICS_TOKEN", null),
  METRICS_PORT("metrics.port", "CDC_CONSOLE_METRICS_PORT", "0"),
  LOG_FORMAT("log.format", "CDC_CONSOLE_LOG_FORMAT", "text");

  private final String path;
  private final String env;
  private final String defaultValue;

  Setting(String path, String env, String defaultValue) {
    this.path = path;
    this.env = env;
    this.defaultValue = defaultValue;
  }

  public String path() {
    return path;
  }

  public String env() {
    return env;
  }

  public String defaultValue() {
    return defaultValue;
  }

  public static java.util.Optional<Setting> byPath(String path) {
    for (Setting s : values()) {
      if (s.path.equals(path)) {
        return java.util.Optional.of(s);
      }
    }
    return java.util.Optional.empty();
  }
}
