package io.cdcconsole.alert;

import io.cdcconsole.config.Secret;
import io.cdcconsole.config.SecretCipher;
import io.cdcconsole.error.Conflict;
import io.cdcconsole.error.NotFound;
import io.cdcconsole.error.PreconditionFailed;
import io.cdcconsole.error.ValidationFailed;
import io.cdcconsole.health.HealthEvents;
import io.cdcconsole.health.HealthStatus;
import io.cdcconsole.health.HealthStore;
import io.cdcconsole.lifecycle.Background;
import io.cdcconsole.pipeline.PipelineService;
import io.cdcconsole.run.RunEvents;
import io.cdcconsole.run.RunState;
import io.cdcconsole.store.EventFanout;
import io.cdcconsole.store.Outbox;
import io.cdcconsole.store.Page;
import io.cdcconsole.store.PageRequest;
import io.cdcconsole.store.StorageException;
import io.cdcconsole.validation.Names;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alerts: rules are evaluated on run transitions ({@link RunEvents#ADDRESS}) and health samples
 * ({@link HealthEvents#ADDRESS}); what fires or resolves is kept per rule and pipeline in Postgres,
 * and its messages go through a durable outbox (written in the same transaction, then attempted
 * with back-off until the channel takes them: at least once, across restarts — the pattern of the
 * DolphinScheduler triggers).
 */
public final class AlertService implements Background {
  private static final Logger LOG = LoggerFactory.getLogger(AlertService.class);
  static final List<String> KINDS =
      List.of("RUN_STATE", "VERDICT", "LAG", "CHECKPOINT_AGE", "RESTARTS");
  private static final List<String> HEALTH_KINDS =
      List.of("VERDICT", "LAG", "CHECKPOINT_AGE", "RESTARTS");
  private static final Set<String> SEVERITIES = Set.of("INFO", "WARNING", "CRITICAL");
  private static final Set<String> VERDICTS =
      Set.of(
          HealthStatus.LAGGING.name(),
          HealthStatus.STALLED.name(),
          HealthStatus.CHECKPOINT_FAILING.name(),
          HealthStatus.FLAPPING.name());

  /** A run-state alert clears when the pipeline runs (or finishes) again. */
  private static final Set<String> CLEARS_RUN_STATE =
      Set.of(RunState.RUNNING.name(), RunState.FINISHED.name());

  private static final Map<ChannelType, Set<String>> OPTIONAL =
      Map.of(ChannelType.EMAIL, Set.of("username", "ssl", "starttls"));
  private static final int MAX_ATTEMPTS = 10;
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(10);

  /** What a rule is made of, as a caller sends it. */
  record RuleSpec(
      String name,
      String pipeline,
      Map<String, String> selector,
      String kind,
      List<String> values,
      Long thresholdMs,
      int periods,
      Integer restarts,
      Long windowMs,
      String severity,
      long forMs,
      long repeatMs,
      boolean sendResolved,
      List<String> channels,
      Instant silencedUntil,
      boolean enabled) {}

  private final Vertx vertx;
  private final AlertStore store;
  private final PipelineService pipelines;
  private final HealthStore health;
  private final SecretCipher cipher;
  private final AlertSender sender;
  private final Duration backoff;
  private final AtomicBoolean working = new AtomicBoolean();

  /**
   * Events are evaluated one after the other: two samples of a run must not both see "no state
   * yet".
   */
  private Future<Void> evaluating = Future.succeededFuture();

  private long timerId = -1;
  private final List<io.vertx.core.eventbus.MessageConsumer<JsonObject>> consumers =
      new java.util.ArrayList<>();

  public AlertService(
      Vertx vertx,
      io.vertx.sqlclient.Pool pool,
      PipelineService pipelines,
      HealthStore health,
      SecretCipher cipher,
      Duration backoff) {
    this.vertx = vertx;
    this.store = new AlertStore(pool);
    this.pipelines = pipelines;
    this.health = health;
    this.cipher = cipher;
    this.sender = new AlertSender(vertx, Duration.ofSeconds(15));
    this.backoff = backoff;
  }

  @Override
  public Future<Void> start() {
    // rules are evaluated on the replica that observed the change, once: not again for what
    // another replica sent over
    consumers.add(
        vertx
            .eventBus()
            .consumer(
                RunEvents.ADDRESS,
                m -> {
                  if (!EventFanout.fromOtherReplica(m)) {
                    evaluate(() -> onTransition(m.body()));
                  }
                }));
    consumers.add(
        vertx
            .eventBus()
            .consumer(
                HealthEvents.ADDRESS,
                m -> {
                  if (!EventFanout.fromOtherReplica(m)) {
                    evaluate(() -> onHealth(m.body()));
                  }
                }));
    timerId = vertx.setPeriodic(Math.max(200, Math.min(backoff.toMillis(), 2000)), id -> work());
    return Future.all(consumers.stream().map(c -> c.completion()).toList()).mapEmpty();
  }

  @Override
  public Future<Void> stop() {
    // a console restarted on the same Vert.x must not evaluate every event twice
    List<Future<Void>> done = new ArrayList<>(consumers.stream().map(c -> c.unregister()).toList());
    consumers.clear();
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
    done.add(sender.close());
    return Future.join(done).mapEmpty();
  }

  // channels

  Future<AlertChannel> addChannel(String name, String type, JsonObject config, String description) {
    ChannelType t;
    try {
      Names.slug("name", name);
      t = check(type, config);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return vertx
        .executeBlocking(() -> encrypt(t, config, new JsonObject()), false)
        .compose(enc -> store.insertChannel(name, t, enc, description == null ? "" : description))
        .recover(err -> taken(err, "An alert channel named '" + name + "' exists already."));
  }

  /**
   * Changes a channel's settings if {@code ifMatch} is still its version; a secret sent as the mask
   * (or left out) keeps the stored one.
   */
  Future<AlertChannel> updateChannel(
      String idOrName, int ifMatch, JsonObject config, String description) {
    return ifCurrent(
        "alert channel",
        ifMatch,
        () -> channel(idOrName),
        AlertChannel::version,
        stored -> {
          JsonObject merged = config.copy();
          stored
              .type()
              .secrets
              .forEach(
                  key -> {
                    if (!merged.containsKey(key) && stored.config().containsKey(key)) {
                      merged.put(key, Secret.MASK);
                    }
                  });
          try {
            check(stored.type().json, merged);
          } catch (RuntimeException e) {
            return Future.failedFuture(e);
          }
          return vertx
              .executeBlocking(() -> encrypt(stored.type(), merged, stored.config()), false)
              .compose(
                  enc ->
                      store.updateChannel(
                          stored.id(),
                          ifMatch,
                          enc,
                          description == null ? stored.description() : description));
        });
  }

  Future<List<AlertChannel>> channels() {
    return store.channels();
  }

  /** Deletes the channel if {@code ifMatch} is still its version and no rule sends to it. */
  Future<Void> deleteChannel(String idOrName, int ifMatch) {
    return ifCurrent(
            "alert channel",
            ifMatch,
            () -> channel(idOrName),
            AlertChannel::version,
            c ->
                store
                    .channelInUse(c.id())
                    .compose(
                        used ->
                            used
                                ? Future.failedFuture(
                                    new Conflict(
                                        "Alert rules send to this channel; change or delete them first."))
                                : store.deleteChannel(c.id(), ifMatch).map(AlertService::done)))
        .mapEmpty();
  }

  /**
   * Sends a test message to the channel now and answers whether it was taken (errors scrubbed of
   * its secrets).
   */
  Future<AlertChannelCheck> testChannel(String idOrName, String by) {
    AlertMessage message =
        new AlertMessage(
            "TEST",
            "INFO",
            null,
            null,
            null,
            "A test message from CDC Console, sent by " + by + ".",
            Instant.now());
    return channel(idOrName)
        .compose(
            c ->
                vertx
                    .executeBlocking(() -> decrypt(c), false)
                    .compose(
                        config ->
                            sender
                                .send(c.type(), config, message)
                                .transform(
                                    ar ->
                                        Future.succeededFuture(
                                            new AlertChannelCheck(
                                                c.name(),
                                                ar.succeeded(),
                                                ar.succeeded()
                                                    ? "The channel took the test message."
                                                    : ar.cause().getMessage())))));
  }

  Future<AlertChannel> channel(String idOrName) {
    return store
        .channel(idOrName)
        .compose(
            c ->
                c.map(Future::succeededFuture)
                    .orElseGet(
                        () ->
                            Future.failedFuture(
                                new NotFound("No alert channel '" + idOrName + "'."))));
  }

  private static ChannelType check(String type, JsonObject config) {
    ChannelType t = ChannelType.of(type);
    if (t == null) {
      throw ValidationFailed.of("type", "must be one of webhook, dingtalk, feishu, wecom, email");
    }
    if (config == null) {
      throw ValidationFailed.of("config", "is required");
    }
    for (String key : config.fieldNames()) {
      if (!t.required.contains(key)
          && !t.secrets.contains(key)
          && !OPTIONAL.getOrDefault(t, Set.of()).contains(key)) {
        throw ValidationFailed.of("config." + key, "is not a setting of a " + t.json + " channel");
      }
    }
    for (String key : t.required) {
      if (config.getValue(key) == null || config.getValue(key).toString().isBlank()) {
        throw ValidationFailed.of("config." + key, "is required");
      }
    }
    switch (t) {
      case WEBHOOK -> {
        httpUrl(config.getValue("url"));
        io.cdcconsole.validation.Urls.withoutCredentials(
            "config.url", config.getString("url"), "the signing secret goes in config.secret");
      }
      case DINGTALK, FEISHU, WECOM -> {
        Object url = config.getValue("url");
        if (url == null || url.toString().isBlank()) {
          throw ValidationFailed.of("config.url", "is required: the robot's webhook URL");
        }
        if (!Secret.MASK.equals(url)) {
          httpUrl(url);
        }
      }
      case EMAIL -> {
        if (!(config.getValue("port") instanceof Number port)
            || port.intValue() < 1
            || port.intValue() > 65535) {
          throw ValidationFailed.of("config.port", "must be a port number");
        }
        if (AlertSender.recipients(config).isEmpty()
            || AlertSender.recipients(config).stream()
                .anyMatch(a -> !a.matches("[^@\\s]+@[^@\\s]+"))) {
          throw ValidationFailed.of("config.to", "must be one or more email addresses");
        }
        if (!config.getString("from", "").matches("[^@\\s]+@[^@\\s]+")) {
          throw ValidationFailed.of("config.from", "must be an email address");
        }
        String tls = config.getString("starttls", "OPTIONAL");
        if (!Set.of("DISABLED", "OPTIONAL", "REQUIRED").contains(tls)) {
          throw ValidationFailed.of("config.starttls", "must be DISABLED, OPTIONAL or REQUIRED");
        }
      }
    }
    for (String key : t.secrets) {
      if (config.containsKey(key) && !(config.getValue(key) instanceof String)) {
        throw ValidationFailed.of("config." + key, "must be a string");
      }
    }
    return t;
  }

  private static void httpUrl(Object value) {
    URI uri;
    try {
      uri = URI.create(value == null ? "" : value.toString());
    } catch (IllegalArgumentException e) {
      uri = URI.create("");
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
        || uri.getHost() == null) {
      throw ValidationFailed.of("config.url", "must be an http(s) URL");
    }
  }

  /** The settings as stored: each secret encrypted, the mask replaced by the stored value. */
  private JsonObject encrypt(ChannelType type, JsonObject config, JsonObject stored) {
    JsonObject out = config.copy();
    for (String key : type.secrets) {
      String value = out.getString(key);
      if (value == null || value.isEmpty()) {
        out.remove(key);
      } else if (Secret.MASK.equals(value)) {
        if (stored.containsKey(key)) {
          out.put(key, stored.getString(key));
        } else {
          throw ValidationFailed.of("config." + key, "no stored value to keep: send the value");
        }
      } else {
        out.put(key, cipher.encrypt(value));
      }
    }
    return out;
  }

  private JsonObject decrypt(AlertChannel channel) {
    JsonObject out = channel.config().copy();
    channel
        .type()
        .secrets
        .forEach(
            key -> {
              if (out.containsKey(key)) {
                out.put(key, cipher.decrypt(out.getString(key)));
              }
            });
    return out;
  }

  // rules and silences

  Future<AlertRule> addRule(RuleSpec spec, String by) {
    return resolve(spec)
        .compose(r -> store.insertRule(spec, r.pipelineId, r.channelIds, by))
        .recover(err -> taken(err, "An alert rule named '" + spec.name() + "' exists already."));
  }

  /** Replaces the rule if {@code ifMatch} is still its version. */
  Future<AlertRule> updateRule(long id, int ifMatch, RuleSpec spec) {
    return ifCurrent(
        "alert rule",
        ifMatch,
        () -> rule(id),
        AlertRule::version,
        stored ->
            resolve(spec)
                .compose(r -> store.updateRule(id, ifMatch, spec, r.pipelineId, r.channelIds))
                .recover(
                    err ->
                        taken(err, "An alert rule named '" + spec.name() + "' exists already.")));
  }

  Future<AlertRule> rule(long id) {
    return store
        .rule(id)
        .compose(
            found ->
                found
                    .map(Future::succeededFuture)
                    .orElseGet(
                        () -> Future.failedFuture(new NotFound("No alert rule " + id + "."))));
  }

  private record Resolved(Long pipelineId, List<Long> channelIds) {}

  private Future<Resolved> resolve(RuleSpec spec) {
    try {
      check(spec);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    Future<Long> pipeline =
        spec.pipeline() == null
            ? Future.succeededFuture(null)
            : pipelines
                .get(spec.pipeline())
                .map(p -> p.id())
                .recover(
                    err ->
                        Future.failedFuture(
                            err instanceof NotFound
                                ? ValidationFailed.of(
                                    "pipeline", "no pipeline '" + spec.pipeline() + "'")
                                : err));
    return pipeline.compose(
        pid -> store.channelIds(spec.channels()).map(ids -> new Resolved(pid, ids)));
  }

  private static void check(RuleSpec spec) {
    Names.slug("name", spec.name());
    if (!KINDS.contains(spec.kind())) {
      throw ValidationFailed.of("kind", "must be one of " + String.join(", ", KINDS));
    }
    if (!SEVERITIES.contains(spec.severity())) {
      throw ValidationFailed.of("severity", "must be INFO, WARNING or CRITICAL");
    }
    if (spec.pipeline() != null && !spec.selector().isEmpty()) {
      throw ValidationFailed.of(
          "selector", "a rule is for one pipeline or for a label selector, not both");
    }
    if (spec.channels().isEmpty()) {
      throw ValidationFailed.of("channels", "name at least one alert channel");
    }
    switch (spec.kind()) {
      case "RUN_STATE" -> {
        if (spec.values().isEmpty()
            || !spec.values().stream()
                .allMatch(
                    v -> Arrays.stream(RunState.values()).anyMatch(s -> s.name().equals(v)))) {
          throw ValidationFailed.of(
              "values", "must be run states such as FAILED, LOST or FAILED_TO_SUBMIT");
        }
      }
      case "VERDICT" -> {
        if (spec.values().isEmpty() || !VERDICTS.containsAll(spec.values())) {
          throw ValidationFailed.of(
              "values", "must be verdicts: LAGGING, STALLED, CHECKPOINT_FAILING or FLAPPING");
        }
      }
      case "RESTARTS" -> {
        if (spec.restarts() == null
            || spec.restarts() < 0
            || spec.windowMs() == null
            || spec.windowMs() < 1000) {
          throw ValidationFailed.of(
              "restarts",
              "RESTARTS needs restarts (more than this many) and windowMs (at least 1000)");
        }
      }
      default -> {
        if (spec.thresholdMs() == null || spec.thresholdMs() < 1) {
          throw ValidationFailed.of(
              "thresholdMs", "is required: the lag or checkpoint age (ms) over which to alert");
        }
      }
    }
  }

  Future<List<AlertRule>> rules() {
    return store.rules();
  }

  /** Deletes the rule if {@code ifMatch} is still its version. */
  Future<Void> deleteRule(long id, int ifMatch) {
    return ifCurrent(
            "alert rule",
            ifMatch,
            () -> rule(id),
            AlertRule::version,
            r -> store.deleteRule(id, ifMatch).map(AlertService::done))
        .mapEmpty();
  }

  Future<AlertSilence> addSilence(String pipeline, Instant until, String reason, String by) {
    if (!until.isAfter(Instant.now())) {
      return Future.failedFuture(ValidationFailed.of("until", "must be in the future"));
    }
    return pipelines
        .get(pipeline)
        .compose(p -> store.insertSilence(p.id(), until, reason == null ? "" : reason, by));
  }

  Future<List<AlertSilence>> silences() {
    return store.silences();
  }

  Future<AlertSilence> silence(long id) {
    return store
        .silence(id)
        .compose(
            found ->
                found
                    .map(Future::succeededFuture)
                    .orElseGet(() -> Future.failedFuture(new NotFound("No silence " + id + "."))));
  }

  /**
   * Ends the silence if {@code ifMatch} is still its version (always 1: silences are not edited,
   * but their delete takes If-Match like every other).
   */
  Future<Void> deleteSilence(long id, int ifMatch) {
    return ifCurrent(
            "silence",
            ifMatch,
            () -> silence(id),
            AlertSilence::version,
            s -> store.deleteSilence(id, ifMatch).map(AlertService::done))
        .mapEmpty();
  }

  /**
   * Optimistic concurrency, as for every versioned resource: {@code write} runs only when {@code
   * ifMatch} is the version just read (else 412 with the current one). A conditional write that
   * then matched no row lost a race: the resource read again answers 412 with its new version, or
   * 404 when it went.
   */
  private static <R, T> Future<T> ifCurrent(
      String what,
      int ifMatch,
      Supplier<Future<R>> read,
      ToIntFunction<R> version,
      Function<R, Future<Optional<T>>> write) {
    return read.get()
        .compose(
            stored ->
                version.applyAsInt(stored) == ifMatch
                    ? write.apply(stored)
                    : Future.failedFuture(stale(what, version.applyAsInt(stored))))
        .compose(
            written ->
                written
                    .map(Future::succeededFuture)
                    .orElseGet(
                        () ->
                            read.get()
                                .compose(
                                    now ->
                                        Future.failedFuture(
                                            stale(what, version.applyAsInt(now))))));
  }

  /** A conditional delete's outcome as {@link #ifCurrent} takes it: empty when nothing matched. */
  private static Optional<Boolean> done(boolean deleted) {
    return deleted ? Optional.of(true) : Optional.empty();
  }

  private static PreconditionFailed stale(String what, int current) {
    return new PreconditionFailed(
        "The "
            + what
            + " was changed meanwhile; its current version is "
            + current
            + ". Reload it and apply your change again.",
        current);
  }

  Future<List<FiringAlert>> firing() {
    return store.firing();
  }

  // deliveries

  Future<Page<AlertDelivery>> deliveries(String status, PageRequest page) {
    return store.deliveries(status, page);
  }

  Future<AlertDelivery> retryDelivery(long id) {
    return store
        .retry(id)
        .compose(
            before -> {
              if (before.isEmpty()) {
                return Future.failedFuture(new NotFound("No alert delivery " + id + "."));
              }
              if (before.get().delivered()) {
                return Future.failedFuture(
                    new Conflict("Alert delivery " + id + " was delivered already."));
              }
              vertx.runOnContext(v -> work());
              return store.delivery(id).map(d -> d.orElseThrow());
            });
  }

  // evaluation

  private synchronized void evaluate(Supplier<Future<Void>> step) {
    evaluating =
        evaluating.transform(
            ignored ->
                step.get().onFailure(err -> LOG.warn("Alert evaluation: {}", err.getMessage())));
  }

  private Future<Void> onTransition(JsonObject event) {
    long pipelineId = event.getLong("pipelineId");
    String to = event.getString("to");
    Long runId = event.getLong("runId");
    boolean terminal =
        Arrays.stream(RunState.values()).anyMatch(s -> s.name().equals(to) && s.terminal());
    return store
        .rulesFor(pipelineId, KINDS)
        .compose(
            rules ->
                sequence(
                    rules,
                    rule -> {
                      if (rule.kind().equals("RUN_STATE")) {
                        if (rule.values().contains(to)) {
                          return store
                              .state(rule.id(), pipelineId)
                              .compose(
                                  state ->
                                      state.isPresent()
                                              && "FIRING".equals(state.get().status())
                                              && runId.equals(state.get().runId())
                                          ? Future.succeededFuture()
                                          : fire(
                                              rule,
                                              pipelineId,
                                              event.getString("pipeline"),
                                              runId,
                                              "Run " + runId + " is " + to + "."));
                        }
                        return CLEARS_RUN_STATE.contains(to)
                            ? clear(
                                rule,
                                pipelineId,
                                event.getString("pipeline"),
                                runId,
                                "Run " + runId + " is " + to + ".")
                            : Future.succeededFuture();
                      }
                      // the health of a run that ended says nothing any more
                      return terminal
                          ? clear(
                              rule,
                              pipelineId,
                              event.getString("pipeline"),
                              runId,
                              "Run " + runId + " ended (" + to + ").")
                          : Future.succeededFuture();
                    }));
  }

  private Future<Void> onHealth(JsonObject event) {
    return store
        .rulesFor(event.getLong("pipelineId"), HEALTH_KINDS)
        .compose(
            rules ->
                sequence(
                    rules,
                    rule ->
                        condition(rule, event).compose(holds -> onCondition(rule, event, holds))));
  }

  /**
   * A held condition becomes (or stays) pending and fires after its periods and "for"; a cleared
   * one resolves.
   */
  private Future<Void> onCondition(AlertRule rule, JsonObject event, String holds) {
    long pipelineId = event.getLong("pipelineId");
    Long runId = event.getLong("runId");
    String pipeline = event.getString("pipeline");
    if (holds == null) {
      return clear(
          rule, pipelineId, pipeline, runId, "Cleared: " + event.getString("status") + ".");
    }
    return store
        .state(rule.id(), pipelineId)
        .compose(
            state -> {
              if (state.isPresent() && "FIRING".equals(state.get().status())) {
                return Future.succeededFuture();
              }
              return store
                  .pending(rule.id(), pipelineId, runId)
                  .compose(
                      pending ->
                          pending.hits() >= rule.periods()
                                  && !pending
                                      .since()
                                      .plusMillis(rule.forMs())
                                      .isAfter(Instant.now())
                              ? fire(rule, pipelineId, pipeline, runId, holds)
                              : Future.succeededFuture());
            });
  }

  /**
   * What holds for the rule in this health event, in words; null when its condition does not hold.
   */
  private Future<String> condition(AlertRule rule, JsonObject event) {
    if (!rule.kind().equals("RESTARTS")) {
      return Future.succeededFuture(condition(rule, event, null));
    }
    // restarts in the window: the run's total now minus its total at the oldest sample inside the
    // window
    Instant at = event.getInstant("at", Instant.now());
    return health
        .history(event.getLong("runId"), at.minusMillis(rule.windowMs()), 100_000)
        .map(points -> condition(rule, event, points.isEmpty() ? 0 : points.get(0).restarts()));
  }

  /**
   * What holds for the rule in this health event, in words; null when its condition does not hold.
   */
  static String condition(AlertRule rule, JsonObject event, Integer restartsAtWindowStart) {
    String status = event.getString("status");
    String reason = event.getString("reason", "");
    return switch (rule.kind()) {
      case "VERDICT" -> rule.values().contains(status) ? status + ": " + reason : null;
      case "LAG" -> {
        Long lag = event.getLong("lagMs");
        yield lag != null && lag > rule.thresholdMs()
            ? "Lag " + lag + " ms is over " + rule.thresholdMs() + " ms."
            : null;
      }
      case "CHECKPOINT_AGE" -> {
        JsonObject metrics = event.getJsonObject("metrics", new JsonObject());
        Instant at = event.getInstant("at");
        Instant checkpointAt = metrics.getInstant("checkpointAt");
        if (at == null || checkpointAt == null) {
          yield null;
        }
        long age = Duration.between(checkpointAt, at).toMillis();
        yield age > rule.thresholdMs()
            ? "The latest checkpoint is " + age + " ms old (over " + rule.thresholdMs() + " ms)."
            : null;
      }
      case "RESTARTS" -> {
        int now = event.getJsonObject("metrics", new JsonObject()).getInteger("restarts", 0);
        int inWindow = now - (restartsAtWindowStart == null ? 0 : restartsAtWindowStart);
        yield inWindow > rule.restarts()
            ? "The job restarted "
                + inWindow
                + " times in "
                + Duration.ofMillis(rule.windowMs()).toSeconds()
                + " s (more than "
                + rule.restarts()
                + ")."
            : null;
      }
      default -> null;
    };
  }

  private Future<Void> fire(
      AlertRule rule, long pipelineId, String pipeline, Long runId, String summary) {
    AlertMessage message =
        new AlertMessage(
            "FIRING", rule.severity(), rule.name(), pipeline, runId, summary, Instant.now());
    return store
        .silenced(rule.id(), pipelineId)
        .compose(
            silenced -> {
              LOG.info(
                  "Alert {} fires for pipeline {}{}: {}",
                  rule.name(),
                  pipeline,
                  silenced ? " (silenced)" : "",
                  summary);
              return store.fire(rule, pipelineId, runId, summary, message, silenced);
            })
        .onSuccess(v -> vertx.runOnContext(x -> work()));
  }

  private Future<Void> clear(
      AlertRule rule, long pipelineId, String pipeline, Long runId, String summary) {
    AlertMessage message =
        new AlertMessage(
            "RESOLVED", rule.severity(), rule.name(), pipeline, runId, summary, Instant.now());
    return store
        .state(rule.id(), pipelineId)
        .compose(
            state ->
                state.isEmpty()
                    ? Future.succeededFuture()
                    : store
                        .silenced(rule.id(), pipelineId)
                        .compose(silenced -> store.clear(rule, pipelineId, message, silenced))
                        .onSuccess(v -> vertx.runOnContext(x -> work())));
  }

  private static <T> Future<Void> sequence(
      List<T> items, java.util.function.Function<T, Future<Void>> step) {
    Future<Void> chain = Future.succeededFuture();
    for (T item : items) {
      chain = chain.compose(v -> step.apply(item));
    }
    return chain;
  }

  /**
   * One pass: repeats of firing alerts are queued, then every due delivery is attempted. Never two
   * at once.
   */
  private void work() {
    if (!working.compareAndSet(false, true)) {
      return;
    }
    store
        .repeats()
        .compose(
            repeats ->
                sequence(
                    repeats,
                    r ->
                        store
                            .silenced(r.rule().id(), r.pipelineId())
                            .compose(
                                silenced ->
                                    store.repeated(
                                        r.rule().id(),
                                        r.pipelineId(),
                                        new AlertMessage(
                                            "FIRING",
                                            r.rule().severity(),
                                            r.rule().name(),
                                            r.pipeline(),
                                            r.runId(),
                                            r.summary(),
                                            Instant.now()),
                                        silenced))))
        .compose(ok -> store.due(50))
        .compose(due -> Future.join(due.stream().map(this::deliver).toList()))
        .onFailure(err -> LOG.warn("Alert deliveries: {}", err.getMessage()))
        .onComplete(done -> working.set(false));
  }

  private Future<Void> deliver(AlertStore.Due due) {
    return vertx
        .executeBlocking(() -> decrypt(due.channel()), false)
        .compose(config -> sender.send(due.channel().type(), config, due.message()))
        .compose(
            answer -> store.delivered(due, answer),
            err -> {
              int attempt = due.attempts() + 1;
              Long retryIn = Outbox.retryInMillis(attempt, MAX_ATTEMPTS, backoff, MAX_BACKOFF);
              LOG.warn(
                  "Alert to channel {} failed (attempt {}): {}",
                  due.channel().name(),
                  attempt,
                  err.getMessage());
              return store.failed(due, err.getMessage(), retryIn);
            });
  }

  /**
   * A name another channel or rule has (the store's unique violation) is a 409 with {@code
   * message}.
   */
  private static <T> Future<T> taken(Throwable err, String message) {
    return Future.failedFuture(
        err instanceof StorageException.DuplicateKey ? new Conflict(message) : err);
  }
}
