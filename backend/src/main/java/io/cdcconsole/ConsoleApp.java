package io.cdcconsole;

import io.cdcconsole.alert.AlertRoutes;
import io.cdcconsole.alert.AlertService;
import io.cdcconsole.audit.Audit;
import io.cdcconsole.audit.AuditRoutes;
import io.cdcconsole.audit.AuditStore;
import io.cdcconsole.audit.DeniedAudit;
import io.cdcconsole.auth.AuthRoutes;
import io.cdcconsole.auth.AuthService;
import io.cdcconsole.auth.JwtSessions;
import io.cdcconsole.auth.LoginThrottle;
import io.cdcconsole.auth.PasswordHasher;
import io.cdcconsole.auth.PrincipalCache;
import io.cdcconsole.auth.TokenRoutes;
import io.cdcconsole.auth.TokenService;
import io.cdcconsole.auth.TokenStore;
import io.cdcconsole.auth.UserRoutes;
import io.cdcconsole.auth.UserService;
import io.cdcconsole.auth.UserStore;
import io.cdcconsole.cluster.ClusterClients;
import io.cdcconsole.cluster.ClusterHealthWatcher;
import io.cdcconsole.cluster.ClusterLeases;
import io.cdcconsole.cluster.ClusterRoutes;
import io.cdcconsole.cluster.ClusterService;
import io.cdcconsole.cluster.ClusterStore;
import io.cdcconsole.config.ConsoleConfig;
import io.cdcconsole.config.MasterKeyCheck;
import io.cdcconsole.config.SecretCipher;
import io.cdcconsole.ds.DsRoutes;
import io.cdcconsole.ds.TriggerRoutes;
import io.cdcconsole.ds.TriggerService;
import io.cdcconsole.health.HealthEvents;
import io.cdcconsole.health.HealthService;
import io.cdcconsole.health.HealthStore;
import io.cdcconsole.health.HealthThresholds;
import io.cdcconsole.health.HealthWatcher;
import io.cdcconsole.lifecycle.Background;
import io.cdcconsole.lifecycle.Replica;
import io.cdcconsole.metrics.ConsoleMetrics;
import io.cdcconsole.metrics.MetricsRoutes;
import io.cdcconsole.overview.OverviewRoutes;
import io.cdcconsole.overview.OverviewStore;
import io.cdcconsole.pipeline.ConnectorCatalog;
import io.cdcconsole.pipeline.ConnectorRoutes;
import io.cdcconsole.pipeline.PipelineDocuments;
import io.cdcconsole.pipeline.PipelineRoutes;
import io.cdcconsole.pipeline.PipelineService;
import io.cdcconsole.pipeline.PipelineStore;
import io.cdcconsole.pipeline.PipelineTemplates;
import io.cdcconsole.pipeline.PipelineYamlValidator;
import io.cdcconsole.pipeline.SecretFields;
import io.cdcconsole.run.CheckpointsSeen;
import io.cdcconsole.run.LauncherJar;
import io.cdcconsole.run.RunEvents;
import io.cdcconsole.run.RunState;
import io.cdcconsole.run.RunStore;
import io.cdcconsole.run.RunTransition;
import io.cdcconsole.run.Runs;
import io.cdcconsole.run.TasksRunning;
import io.cdcconsole.secret.SecretRoutes;
import io.cdcconsole.secret.SecretService;
import io.cdcconsole.secret.SecretStore;
import io.cdcconsole.store.Database;
import io.cdcconsole.store.EventFanout;
import io.cdcconsole.store.SettingStore;
import io.cdcconsole.web.ApiDocsRoutes;
import io.cdcconsole.web.ApiRouter;
import io.cdcconsole.web.EventRoutes;
import io.cdcconsole.web.HealthRoutes;
import io.cdcconsole.web.SpaRoutes;
import io.cdcconsole.web.WebServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running console: start-up composed in the order of design.md section 2 (store and migrations,
 * services, HTTP), and a stop that undoes it. Tests start it the same way {@link Main} does.
 */
public final class ConsoleApp {
  private static final Logger LOG = LoggerFactory.getLogger(ConsoleApp.class);

  private final Vertx vertx;
  private final String replica;
  private final Database database;
  private final WebServer.Served server;
  private final Router router;
  private final Running running;

  /** Null without {@code metrics.port} (or with metrics off). */
  private final HttpServer management;

  private ConsoleApp(
      Vertx vertx,
      Database database,
      WebServer.Served server,
      Running running,
      HttpServer management,
      String replica) {
    this.vertx = vertx;
    this.replica = replica;
    this.database = database;
    this.server = server;
    this.router = server.router();
    this.running = running;
    this.management = management;
  }

  /**
   * What runs beside the requests, in the order it was started: each is stopped in reverse, so a
   * part is stopped before what it uses (the run watcher before the Flink clients, the HTTP server
   * before the denied-call tally it counts into).
   */
  private static final class Running {
    private final List<Background> started = new ArrayList<>();

    Future<Void> start(Background part) {
      started.add(part);
      try {
        return part.start();
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    }

    /** One after the other, each once the one before has started. */
    Future<Void> startAll(List<Background> parts) {
      Future<Void> done = Future.succeededFuture();
      for (Background part : parts) {
        done = done.compose(v -> start(part));
      }
      return done;
    }

    /** For a part its own composition has started (the HTTP servers, the Flink clients). */
    void started(Background part) {
      started.add(part);
    }

    Future<Void> stopAll() {
      Future<Void> done = Future.succeededFuture();
      for (int i = started.size() - 1; i >= 0; i--) {
        Background part = started.get(i);
        done = done.transform(ignored -> stop(part));
      }
      started.clear();
      return done;
    }

    private static Future<Void> stop(Background part) {
      Future<Void> stopped;
      try {
        stopped = part.stop();
      } catch (RuntimeException e) {
        stopped = Future.failedFuture(e);
      }
      return stopped.recover(
          err -> {
            LOG.warn("Stopping {} failed: {}", part.getClass().getSimpleName(), err.toString());
            return Future.succeededFuture();
          });
    }
  }

  public static Future<ConsoleApp> start(Vertx vertx, ConsoleConfig config, SecretCipher cipher) {
    return start(vertx, config, cipher, null);
  }

  /**
   * {@code registry}: the one {@code vertx} was built to report into ({@link
   * ConsoleMetrics#vertxBuilder}); null when it was not, then only the console's own metrics are
   * served (if metrics are on at all).
   */
  public static Future<ConsoleApp> start(
      Vertx vertx, ConsoleConfig config, SecretCipher cipher, PrometheusMeterRegistry registry) {
    Clock clock = Clock.systemUTC();
    ConsoleMetrics metrics =
        !config.observability().metricsEnabled()
            ? null
            : new ConsoleMetrics(vertx, registry != null ? registry : ConsoleMetrics.newRegistry());
    // read while the database starts (mostly another process's work, and Flyway's)
    Future<Resources> resources = Resources.load(vertx, config, clock);
    return Database.open(vertx, config)
        .compose(
            database -> {
              Running running = new Running();
              return startServices(
                      vertx, config, cipher, clock, database, metrics, running, resources)
                  .recover(
                      err ->
                          running
                              .stopAll()
                              .transform(ignored -> database.close())
                              .transform(ignored -> Future.failedFuture(err)));
            });
  }

  private static Future<ConsoleApp> startServices(
      Vertx vertx,
      ConsoleConfig config,
      SecretCipher cipher,
      Clock clock,
      Database database,
      ConsoleMetrics metrics,
      Running running,
      Future<Resources> resources) {
    var pool = database.pool();
    UserStore userStore = new UserStore(pool);
    PasswordHasher hasher = new PasswordHasher(vertx, config.auth().passwordHashCost());
    LoginThrottle loginThrottle = new LoginThrottle(vertx, pool, config.auth().lockout(), clock);
    PrincipalCache principals = new PrincipalCache(vertx, config.auth().cacheTtl());
    UserService users = new UserService(userStore, hasher, loginThrottle, principals);
    TokenService tokens = new TokenService(new TokenStore(pool), principals, clock);
    AuditStore auditStore = new AuditStore(pool);
    ClusterStore clusterStore = new ClusterStore(pool);
    ClusterClients clusterClients =
        new ClusterClients(vertx, cipher, config.clusters().probeTimeout());
    if (metrics != null) {
      clusterClients.listenToCalls(metrics::flinkCalls);
    }
    // closed last: every watcher that calls Flink is stopped before
    running.started(Background.stopping(clusterClients::close));
    ClusterHealthWatcher clusterHealth =
        new ClusterHealthWatcher(
            vertx, clusterStore, clusterClients, clock, config.clusters().healthInterval());
    ClusterService clusters = new ClusterService(vertx, clusterStore, clusterHealth, cipher);
    SecretService secrets = new SecretService(vertx, new SecretStore(pool), cipher);
    RunStore runStore = new RunStore(pool);
    // this start of the console, as the claims it takes in the database name it
    Replica replica = Replica.start();
    LOG.info("This console's replica id: {}", replica);
    // which clusters this console watches, when several share the database
    ClusterLeases clusterLeases =
        new ClusterLeases(vertx, pool, replica.id(), config.clusters().lease());
    Future<LauncherJar> launcher =
        vertx
            .executeBlocking(LauncherJar::load, false)
            .onFailure(err -> LOG.warn("Pipelines cannot be started: {}", err.getMessage()));
    AtomicReference<String> consoleUrl = new AtomicReference<>();
    // what other replicas on this database must hear: SSE streams, DS waits and caches there
    EventFanout fanout =
        new EventFanout(
            vertx,
            database,
            List.of(
                RunEvents.ADDRESS,
                RunEvents.STALE_ADDRESS,
                HealthEvents.ADDRESS,
                ClusterHealthWatcher.ADDRESS,
                PrincipalCache.ADDRESS,
                PipelineStore.CHANGED_ADDRESS));

    return MasterKeyCheck.verify(vertx, cipher, new SettingStore(pool)::putIfAbsent)
        .compose(ok -> users.createFirstAdmin(config.auth().adminPassword()))
        .compose(ok -> running.start(principals))
        .compose(ok -> running.start(fanout))
        .compose(ok -> resources)
        .compose(
            loaded -> {
              JwtSessions sessions = loaded.sessions();
              SpaRoutes spa = loaded.spa();
              ConnectorCatalog catalog = loaded.catalog();
              ApiDocsRoutes apiDocs = loaded.apiDocs();
              PipelineDocuments documents =
                  new PipelineDocuments(
                      vertx, new SecretFields(catalog), new PipelineYamlValidator(catalog), cipher);
              List<String> terminalStates =
                  Arrays.stream(RunState.values())
                      .filter(RunState::terminal)
                      .map(Enum::name)
                      .toList();
              PipelineStore pipelineStore = new PipelineStore(pool, terminalStates);
              PipelineService pipelines =
                  new PipelineService(
                      pipelineStore, clusters, secrets, documents, runStore::current);
              // the run watcher notes when each job's tasks all run; the health watcher counts
              // checkpoint failures only from then on
              TasksRunning tasksRunning = new TasksRunning();
              // the health sampler's checkpoint answers spare the run watcher its own requests
              CheckpointsSeen checkpointsSeen = new CheckpointsSeen();
              Runs runs =
                  Runs.create(
                      vertx,
                      runStore,
                      pipelines,
                      clusters,
                      clusterClients,
                      secrets,
                      documents,
                      launcher,
                      config.home(),
                      config.runs(),
                      consoleUrl::get,
                      clock,
                      auditStore,
                      tasksRunning,
                      checkpointsSeen,
                      replica,
                      clusterLeases);
              HealthStore healthStore = new HealthStore(pool);
              HealthService health = new HealthService(vertx, healthStore, runStore);
              HealthWatcher healthWatcher =
                  new HealthWatcher(
                      vertx,
                      healthStore,
                      clusters,
                      clusterClients,
                      tasksRunning,
                      checkpointsSeen,
                      clusterLeases,
                      clock,
                      new HealthWatcher.Timing(
                          config.health().metricsInterval(),
                          config.health().metricsPerSecond(),
                          config.health().history()),
                      new HealthThresholds(
                          config.health().lagThreshold(),
                          config.health().lagPeriods(),
                          config.health().stallPeriods(),
                          config.health().checkpointFailures(),
                          config.health().restarts(),
                          config.health().window()));
              io.cdcconsole.health.HealthRoutes healthRoutes =
                  new io.cdcconsole.health.HealthRoutes(health, clock);
              runs.routes().extendDetails(healthRoutes::decorate);
              if (metrics != null) {
                runs.watcher().listenToTicks(metrics::watcherTick);
                metrics.clusterLeases(clusterLeases::count);
              }
              TriggerService dsTriggers =
                  new TriggerService(
                      vertx, pool, pipelines, cipher, config.runs().dsRetryBackoff());
              AlertService alerts =
                  new AlertService(
                      vertx,
                      pool,
                      pipelines,
                      healthStore,
                      cipher,
                      config.health().alertRetryBackoff());
              AuthService auth =
                  new AuthService(userStore, hasher, sessions, tokens, loginThrottle, principals);
              // one for all HTTP instances: it holds the stream caps
              EventRoutes events =
                  new EventRoutes(
                      vertx,
                      auth,
                      config.events(),
                      List.of(
                          RunEvents.ADDRESS,
                          RunEvents.STALE_ADDRESS,
                          ClusterHealthWatcher.ADDRESS,
                          HealthEvents.ADDRESS),
                      RunEvents.ADDRESS,
                      (after, limit) ->
                          runStore
                              .after(after, limit)
                              .map(found -> found.stream().map(RunTransition::toEvent).toList()));
              if (metrics != null) {
                events.onDropped(metrics::eventStreamDropped);
              }
              DeniedAudit denied = new DeniedAudit(vertx, auditStore);
              Audit audit = new Audit(auditStore, denied);
              return running
                  .start(denied)
                  .compose(
                      ok ->
                          running.start(
                              pipelineStore.totalsListener(
                                  vertx, List.of(RunEvents.ADDRESS, RunEvents.STALE_ADDRESS))))
                  .compose(
                      ok ->
                          WebServer.start(
                                  vertx,
                                  config.http(),
                                  audit,
                                  router -> {
                                    ApiRouter api = new ApiRouter(router, auth);
                                    new AuthRoutes(auth, users).addRoutes(api);
                                    new UserRoutes(users, sessions).addRoutes(api);
                                    new TokenRoutes(tokens, clock).addRoutes(api);
                                    new AuditRoutes(auditStore, clock).addRoutes(api);
                                    new ClusterRoutes(clusters).addRoutes(api);
                                    new SecretRoutes(secrets).addRoutes(api);
                                    new ConnectorRoutes(catalog, new PipelineTemplates(catalog))
                                        .addRoutes(api);
                                    new PipelineRoutes(
                                            pipelines,
                                            java.util.Arrays.stream(RunState.values())
                                                .map(Enum::name)
                                                .toList())
                                        .addRoutes(api);
                                    runs.routes().addRoutes(api);
                                    new OverviewRoutes(new OverviewStore(pool), clusters)
                                        .addRoutes(api);
                                    new DsRoutes(
                                            pipelines,
                                            runs.service(),
                                            runs.store(),
                                            runs.waiter(),
                                            health)
                                        .addRoutes(api);
                                    healthRoutes.addRoutes(api);
                                    new TriggerRoutes(dsTriggers, consoleUrl::get).addRoutes(api);
                                    new AlertRoutes(alerts).addRoutes(api);
                                    events.addRoutes(api);
                                    apiDocs.addRoutes(router);
                                    runs.tickets().addRoutes(router, audit);
                                    new HealthRoutes(database, runs.watcher()::reconciled)
                                        .addRoutes(router);
                                    new MetricsRoutes(metrics, config.observability())
                                        .addRoutes(router);
                                  },
                                  spa)
                              .compose(
                                  server -> {
                                    running.started(
                                        Background.stopping(
                                            () -> vertx.undeploy(server.deploymentId())));
                                    LOG.info(
                                        "CDC Console is listening on {}://{}:{}/ ({} HTTP event loops)",
                                        config.http().scheme(),
                                        config.http().host(),
                                        server.port(),
                                        config.http().instances());
                                    consoleUrl.set(
                                        config
                                            .runs()
                                            .consoleUrl()
                                            .orElse(ownUrl(config.http(), server.port())));
                                    return startMetrics(
                                            vertx,
                                            metrics,
                                            pool,
                                            config.observability().metricsPort(),
                                            running)
                                        .compose(
                                            management ->
                                                running
                                                    .startAll(
                                                        List.of(
                                                            clusterHealth,
                                                            // before the run and health watchers,
                                                            // which watch the clusters it holds
                                                            clusterLeases,
                                                            dsTriggers,
                                                            runs.tickets(),
                                                            loginThrottle,
                                                            alerts,
                                                            healthWatcher,
                                                            runs.service(),
                                                            // before the watcher, which wakes
                                                            // it; stopped after it
                                                            runs.reconciler(),
                                                            // serving (/health answers) while
                                                            // its start-up reconcile runs;
                                                            // /ready waits for it, and so does
                                                            // start()
                                                            runs.watcher(),
                                                            runs.savepointTimer()))
                                                    .map(
                                                        v ->
                                                            new ConsoleApp(
                                                                vertx,
                                                                database,
                                                                server,
                                                                running,
                                                                management,
                                                                replica.id())));
                                  }));
            });
  }

  /** What the routes need that is read from files, not from the database. */
  private record Resources(
      JwtSessions sessions, SpaRoutes spa, ConnectorCatalog catalog, ApiDocsRoutes apiDocs) {
    static Future<Resources> load(Vertx vertx, ConsoleConfig config, Clock clock) {
      Future<JwtSessions> sessions = JwtSessions.create(vertx, config, clock);
      Future<SpaRoutes> spa = SpaRoutes.load(vertx);
      Future<ConnectorCatalog> catalog = vertx.executeBlocking(ConnectorCatalog::builtIn, false);
      Future<ApiDocsRoutes> apiDocs = ApiDocsRoutes.load(vertx);
      return Future.all(sessions, spa, catalog, apiDocs)
          .map(
              all ->
                  new Resources(
                      sessions.result(), spa.result(), catalog.result(), apiDocs.result()));
    }
  }

  /** Answers the management server, or null when there is none. */
  private static Future<HttpServer> startMetrics(
      Vertx vertx, ConsoleMetrics metrics, Pool pool, int managementPort, Running running) {
    if (metrics == null) {
      return Future.succeededFuture();
    }
    return running
        .start(Background.of(() -> metrics.start(pool), metrics::stop))
        .compose(
            ok ->
                managementPort == 0
                    ? Future.succeededFuture()
                    : MetricsRoutes.managementServer(vertx, metrics, managementPort)
                        .map(
                            server -> {
                              running.started(Background.stopping(server::close));
                              LOG.info(
                                  "Metrics are served on http://127.0.0.1:{}/metrics",
                                  server.actualPort());
                              return server;
                            }));
  }

  /** The management server's port (metrics.port), or 0 when there is none. */
  public int metricsPort() {
    return management == null ? 0 : management.actualPort();
  }

  /** Where a JobManager on this host reaches the console; other hosts need {@code console.url}. */
  private static String ownUrl(ConsoleConfig.Http http, int port) {
    String host =
        "0.0.0.0".equals(http.host()) || "::".equals(http.host()) ? "127.0.0.1" : http.host();
    return http.scheme() + "://" + host + ":" + port;
  }

  public int port() {
    return server.port();
  }

  /** This console process's id among the replicas (its claims and leases name it). */
  public String replica() {
    return replica;
  }

  public Database database() {
    return database;
  }

  public Vertx vertx() {
    return vertx;
  }

  /**
   * Every route served under {@code /api/v1}, as {@code "GET /pipelines/{id}"}: what the OpenAPI
   * document must list.
   */
  public List<String> apiRoutes() {
    return ApiRouter.declaredRoutes(router);
  }

  /**
   * Stops every background loop and listener in reverse order of start (the HTTP server among
   * them), then closes the database (and the embedded server, if it runs one).
   */
  public Future<Void> stop() {
    return running.stopAll().eventually(database::close);
  }
}
