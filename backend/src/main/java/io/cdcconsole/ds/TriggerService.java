package io.cdcconsole.ds;

import io.cdcconsole.config.SecretCipher;
import io.cdcconsole.error.Conflict;
import io.cdcconsole.error.NotFound;
import io.cdcconsole.error.PreconditionFailed;
import io.cdcconsole.error.ValidationFailed;
import io.cdcconsole.lifecycle.Background;
import io.cdcconsole.pipeline.PipelineService;
import io.cdcconsole.run.RunEvents;
import io.cdcconsole.run.RunState;
import io.cdcconsole.store.EventFanout;
import io.cdcconsole.store.IdOrName;
import io.cdcconsole.store.Outbox;
import io.cdcconsole.store.SettingStore;
import io.cdcconsole.store.StorageException;
import io.cdcconsole.validation.Names;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Triggers back into DolphinScheduler: "when a run of pipeline P reaches state X, start workflow
 * W". Deliveries are derived from the stored run transitions (a cursor in the database), written
 * before they are attempted, and retried with back-off until DS says code 0: at least once, across
 * restarts.
 */
public final class TriggerService implements Background {
  private static final Logger LOG = LoggerFactory.getLogger(TriggerService.class);
  private static final String CURSOR = "ds_trigger_cursor";
  private static final Set<String> VERSIONS = Set.of("3.2", "3.3");
  private static final int MAX_ATTEMPTS = 10;
  private static final int MAX_PARAMS = 50;
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(10);

  private final Vertx vertx;
  private final TriggerStore store;
  private final SettingStore settings;
  private final PipelineService pipelines;
  private final SecretCipher cipher;
  private final DsOpenApi openApi;

  /** For "test connection": someone waits for its answer, so it gives up sooner than a delivery. */
  private final DsOpenApi probe;

  private final Duration backoff;
  private final AtomicBoolean working = new AtomicBoolean();
  private long timerId = -1;
  private MessageConsumer<JsonObject> transitions;

  public TriggerService(
      Vertx vertx,
      io.vertx.sqlclient.Pool pool,
      PipelineService pipelines,
      SecretCipher cipher,
      Duration backoff) {
    this.vertx = vertx;
    this.store = new TriggerStore(pool);
    this.settings = new SettingStore(pool);
    this.pipelines = pipelines;
    this.cipher = cipher;
    this.openApi = new DsOpenApi(vertx, Duration.ofSeconds(30));
    this.probe = new DsOpenApi(vertx, Duration.ofSeconds(10));
    this.backoff = backoff;
  }

  @Override
  public Future<Void> start() {
    // woken by the transitions this replica stored; the others' come up on the timer (waking every
    // replica for each would only make them contend for the same deliveries)
    transitions =
        vertx
            .eventBus()
            .<JsonObject>consumer(
                RunEvents.ADDRESS,
                m -> {
                  if (!EventFanout.fromOtherReplica(m)) {
                    work();
                  }
                });
    timerId = vertx.setPeriodic(Math.max(200, Math.min(backoff.toMillis(), 2000)), id -> work());
    return transitions.completion();
  }

  /**
   * Cancels the timer and stops listening (a console restarted on the same Vert.x must not listen
   * twice).
   */
  @Override
  public Future<Void> stop() {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
    MessageConsumer<JsonObject> listening = transitions;
    transitions = null;
    Future<Void> closed = Future.join(openApi.close(), probe.close()).mapEmpty();
    return listening == null ? closed : Future.join(listening.unregister(), closed).mapEmpty();
  }

  Future<DsConnection> addConnection(
      String name, String url, String version, String token, String description) {
    try {
      Names.resourceName("name", name);
      checkConnection(url, version, token);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return vertx
        .executeBlocking(() -> cipher.encrypt(token), false)
        .compose(
            enc ->
                store.insertConnection(
                    name, url, version, enc, description == null ? "" : description))
        .recover(
            err ->
                Future.failedFuture(
                    err instanceof StorageException.DuplicateKey
                        ? new Conflict(
                            "A DolphinScheduler connection named '" + name + "' exists already.")
                        : err));
  }

  /**
   * Changes a connection if {@code ifMatch} is still its revision; a token sent as the mask keeps
   * the stored one (e.g. to move DS to a new address).
   */
  Future<DsConnection> updateConnection(
      String idOrName, int ifMatch, String url, String version, String token, String description) {
    try {
      checkConnection(url, version, token);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return found(idOrName)
        .compose(
            stored ->
                stored.revision() != ifMatch
                    ? Future.failedFuture(staleConnection(stored.revision()))
                    : vertx
                        .executeBlocking(
                            () ->
                                io.cdcconsole.config.Secret.MASK.equals(token)
                                    ? stored.encryptedToken()
                                    : cipher.encrypt(token),
                            false)
                        .compose(
                            enc ->
                                store.updateConnection(
                                    stored.id(),
                                    ifMatch,
                                    url,
                                    version,
                                    enc,
                                    description == null ? stored.description() : description))
                        .compose(
                            updated ->
                                updated
                                    .map(Future::succeededFuture)
                                    .orElseGet(
                                        () ->
                                            found(idOrName)
                                                .compose(
                                                    now ->
                                                        Future.failedFuture(
                                                            staleConnection(now.revision()))))));
  }

  private static PreconditionFailed staleConnection(int current) {
    return new PreconditionFailed(
        "The DolphinScheduler connection was changed meanwhile; its current revision is "
            + current
            + ". Reload it and apply your change again.",
        current);
  }

  private static PreconditionFailed staleTrigger(int current) {
    return new PreconditionFailed(
        "The trigger was changed meanwhile; its current version is "
            + current
            + ". Reload it and apply your change again.",
        current);
  }

  private static void checkConnection(String url, String version, String token) {
    URI uri;
    try {
      uri = URI.create(url == null ? "" : url);
    } catch (IllegalArgumentException e) {
      uri = URI.create("");
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
        || uri.getHost() == null) {
      throw ValidationFailed.of(
          "url",
          "must be the http(s) URL of the DolphinScheduler API server, e.g. http://ds:12345");
    }
    if (!VERSIONS.contains(version)) {
      throw ValidationFailed.of("version", "must be 3.2 or 3.3");
    }
    if (token == null || token.isBlank()) {
      throw ValidationFailed.of("token", "is required: a DolphinScheduler access token");
    }
  }

  Future<List<DsConnection>> connections() {
    return store.connections();
  }

  /** A connection by id or name ({@link IdOrName}); 404 when there is none. */
  Future<DsConnection> found(String idOrName) {
    return IdOrName.find(
        idOrName,
        store::connection,
        store::connection,
        () -> new NotFound("No DolphinScheduler connection '" + idOrName + "'."));
  }

  Future<Void> deleteConnection(String idOrName, int ifMatch) {
    return found(idOrName)
        .compose(
            c ->
                c.revision() != ifMatch
                    ? Future.failedFuture(staleConnection(c.revision()))
                    : store
                        .deleteConnection(c.id(), ifMatch)
                        .recover(
                            err ->
                                Future.failedFuture(
                                    err instanceof StorageException.ForeignKey
                                        ? new Conflict(
                                            "Triggers use connection '"
                                                + c.name()
                                                + "'; delete them first.")
                                        : err))
                        .compose(
                            deleted ->
                                deleted
                                    ? Future.<Void>succeededFuture()
                                    : found(idOrName)
                                        .compose(
                                            now ->
                                                Future.failedFuture(
                                                    staleConnection(now.revision())))));
  }

  /** What a trigger is made of, as a caller sends it. */
  record TriggerSpec(
      String connection,
      String onState,
      String projectCode,
      String workflowCode,
      Map<String, String> params,
      boolean enabled) {}

  Future<DsTrigger> addTrigger(String pipelineRef, TriggerSpec spec, String by) {
    try {
      check(spec);
    } catch (ValidationFailed e) {
      return Future.failedFuture(e);
    }
    return pipelines
        .get(pipelineRef)
        .compose(
            p ->
                connection(spec.connection())
                    .compose(
                        c ->
                            store.insertTrigger(
                                p.id(),
                                c.id(),
                                spec.onState(),
                                spec.projectCode(),
                                spec.workflowCode(),
                                spec.params(),
                                by)));
  }

  Future<DsTrigger> updateTrigger(String pipelineRef, long id, int ifMatch, TriggerSpec spec) {
    try {
      check(spec);
    } catch (ValidationFailed e) {
      return Future.failedFuture(e);
    }
    return pipelines
        .get(pipelineRef)
        .compose(
            p ->
                trigger(p.id(), id)
                    .compose(
                        stored ->
                            stored.version() != ifMatch
                                ? Future.failedFuture(staleTrigger(stored.version()))
                                : connection(spec.connection())
                                    .compose(
                                        c ->
                                            store.updateTrigger(
                                                p.id(),
                                                id,
                                                ifMatch,
                                                c.id(),
                                                spec.onState(),
                                                spec.projectCode(),
                                                spec.workflowCode(),
                                                spec.params(),
                                                spec.enabled()))
                                    .compose(
                                        t ->
                                            t.map(Future::succeededFuture)
                                                .orElseGet(
                                                    () ->
                                                        trigger(p.id(), id)
                                                            .compose(
                                                                now ->
                                                                    Future.failedFuture(
                                                                        staleTrigger(
                                                                            now.version())))))));
  }

  /** The pipeline's trigger; 404 when it has none with that id. */
  Future<DsTrigger> trigger(String pipelineRef, long id) {
    return pipelines.get(pipelineRef).compose(p -> trigger(p.id(), id));
  }

  private Future<DsTrigger> trigger(long pipelineId, long id) {
    return store
        .trigger(pipelineId, id)
        .compose(
            t ->
                t.map(Future::succeededFuture)
                    .orElseGet(
                        () ->
                            Future.failedFuture(
                                new NotFound("No trigger " + id + " on that pipeline."))));
  }

  private static void check(TriggerSpec spec) {
    if (spec.onState() == null
        || java.util.Arrays.stream(RunState.values())
            .noneMatch(st -> st.name().equals(spec.onState()))) {
      throw ValidationFailed.of(
          "onState", "must be a run state such as RUNNING, FINISHED, STOPPED or FAILED");
    }
    if (spec.projectCode() == null || !spec.projectCode().matches("\\d{1,20}")) {
      throw ValidationFailed.of(
          "projectCode", "must be the DolphinScheduler project code (digits)");
    }
    if (spec.workflowCode() == null || !spec.workflowCode().matches("\\d{1,20}")) {
      throw ValidationFailed.of(
          "workflowCode", "must be the DolphinScheduler workflow definition code (digits)");
    }
    if (spec.params().size() > MAX_PARAMS) {
      throw ValidationFailed.of("params", "at most " + MAX_PARAMS + " parameters");
    }
    spec.params()
        .forEach(
            (name, value) -> {
              if (name.isBlank() || name.length() > 128 || !name.equals(name.strip())) {
                throw ValidationFailed.of(
                    "params",
                    "a parameter name must be 1 to 128 characters without surrounding spaces");
              }
              if (value.length() > 4000) {
                throw ValidationFailed.of("params." + name, "at most 4000 characters");
              }
            });
  }

  Future<List<DsTrigger>> triggers(String pipelineRef) {
    return pipelines.get(pipelineRef).compose(p -> store.triggers(p.id()));
  }

  Future<Void> deleteTrigger(String pipelineRef, long id, int ifMatch) {
    return pipelines
        .get(pipelineRef)
        .compose(
            p ->
                trigger(p.id(), id)
                    .compose(
                        stored ->
                            stored.version() != ifMatch
                                ? Future.failedFuture(staleTrigger(stored.version()))
                                : store
                                    .deleteTrigger(p.id(), id, ifMatch)
                                    .compose(
                                        deleted ->
                                            deleted
                                                ? Future.<Void>succeededFuture()
                                                : trigger(p.id(), id)
                                                    .compose(
                                                        now ->
                                                            Future.failedFuture(
                                                                staleTrigger(now.version()))))));
  }

  /**
   * "Retry now": the delivery is attempted at once (see {@link TriggerStore#retry}); answers it as
   * it is then.
   */
  Future<DsDelivery> retryDelivery(String pipelineRef, long id) {
    return pipelines
        .get(pipelineRef)
        .compose(
            p ->
                store
                    .retry(p.id(), id)
                    .compose(
                        before -> {
                          if (before.isEmpty()) {
                            return Future.failedFuture(
                                new NotFound("No delivery " + id + " on that pipeline."));
                          }
                          if (before.get().delivered()) {
                            return Future.failedFuture(
                                new Conflict(
                                    "Delivery "
                                        + id
                                        + " was delivered already; another attempt would "
                                        + "start the workflow again."));
                          }
                          vertx.runOnContext(v -> work());
                          return store.delivery(p.id(), id).map(d -> d.orElseThrow());
                        }));
  }

  /**
   * Tests a connection with its stored token: reachable (DS answered at all), authenticated (the
   * token signs in) and as whom. Any text DS or the network gives back is scrubbed of the token
   * before it is answered.
   */
  Future<DsConnectionCheck> testConnection(String idOrName) {
    return found(idOrName)
        .compose(
            c ->
                vertx
                    .executeBlocking(() -> cipher.decrypt(c.encryptedToken()), false)
                    .compose(
                        token ->
                            probe
                                .whoAmI(c, token)
                                .transform(ar -> Future.succeededFuture(check(c, token, ar)))));
  }

  private static DsConnectionCheck check(
      DsConnection c, String token, io.vertx.core.AsyncResult<JsonObject> ar) {
    if (ar.succeeded()) {
      JsonObject data = ar.result().getValue("data") instanceof JsonObject d ? d : new JsonObject();
      return DsConnectionCheck.signedIn(c, data.getString("userName"));
    }
    Throwable err = ar.cause();
    String text =
        scrub(err.getMessage() == null ? err.getClass().getSimpleName() : err.getMessage(), token);
    if (err instanceof DsOpenApi.Refused refused) {
      return DsConnectionCheck.refused(
          c,
          refused.httpStatus,
          refused.httpStatus == 401
              ? "DolphinScheduler does not accept the token (HTTP 401): it is wrong, expired, or its user is disabled."
              : text);
    }
    return DsConnectionCheck.unreachable(c, "DolphinScheduler cannot be reached: " + text);
  }

  private static String scrub(String text, String token) {
    return token == null || token.isEmpty()
        ? text
        : text.replace(token, io.cdcconsole.config.Secret.MASK);
  }

  Future<String> pipelineName(String pipelineRef) {
    return pipelines.get(pipelineRef).map(p -> p.name());
  }

  Future<List<DsDelivery>> deliveries(String pipelineRef) {
    return pipelines.get(pipelineRef).compose(p -> store.deliveries(p.id()));
  }

  /**
   * The connection a trigger names: one that does not exist is a mistake in the trigger (422), not
   * a 404.
   */
  private Future<DsConnection> connection(String idOrName) {
    return found(idOrName)
        .recover(
            err ->
                Future.failedFuture(
                    err instanceof NotFound
                        ? ValidationFailed.of(
                            "connection", "no DolphinScheduler connection '" + idOrName + "'")
                        : err));
  }

  /**
   * One pass: new transitions become deliveries, then every due delivery is attempted. Never two
   * passes at once.
   */
  private void work() {
    if (!working.compareAndSet(false, true)) {
      return;
    }
    settings
        .get(CURSOR)
        .compose(cursor -> store.enqueue(Long.parseLong(cursor.orElse("0"))))
        .compose(last -> settings.put(CURSOR, Long.toString(last)))
        .compose(ok -> store.due(50))
        .compose(due -> Future.join(due.stream().map(this::deliver).toList()))
        .onFailure(err -> LOG.warn("DolphinScheduler triggers: {}", err.getMessage()))
        .onComplete(done -> working.set(false));
  }

  private Future<Void> deliver(TriggerStore.Due due) {
    return vertx
        .executeBlocking(() -> cipher.decrypt(due.connection().encryptedToken()), false)
        .compose(
            token ->
                openApi.startWorkflow(
                    due.connection(),
                    token,
                    due.trigger().projectCode(),
                    due.trigger().workflowCode(),
                    due.trigger().params()))
        .compose(
            answer -> {
              LOG.info(
                  "Started DolphinScheduler workflow {} for run {} reaching {}",
                  due.trigger().workflowCode(),
                  due.runId(),
                  due.state());
              return store.delivered(due, DsDelivery.Answer.of(answer));
            },
            err -> {
              int attempt = due.attempts() + 1;
              Long retryIn = Outbox.retryInMillis(attempt, MAX_ATTEMPTS, backoff, MAX_BACKOFF);
              LOG.warn(
                  "Starting DolphinScheduler workflow {} failed (attempt {}): {}",
                  due.trigger().workflowCode(),
                  attempt,
                  err.getMessage());
              return store.failed(due, err.getMessage(), retryIn);
            });
  }
}
