package io.cdcconsole.run;

import io.cdcconsole.audit.AuditStore;
import io.cdcconsole.cluster.ClusterClients;
import io.cdcconsole.cluster.ClusterLeases;
import io.cdcconsole.cluster.ClusterService;
import io.cdcconsole.config.ConsoleConfig;
import io.cdcconsole.lifecycle.Replica;
import io.cdcconsole.pipeline.PipelineDocuments;
import io.cdcconsole.pipeline.PipelineService;
import io.cdcconsole.secret.SecretService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * The run capability assembled: service, watcher, reconciler, routes and the launch-ticket endpoint
 * share one store; {@code replica} names this console in the claims it takes.
 */
public record Runs(
    RunService service,
    RunWatcher watcher,
    RunRoutes routes,
    LaunchTickets tickets,
    RunWaiter waiter,
    RunStore store,
    SavepointTimer savepointTimer,
    RunReconciler reconciler) {

  public static Runs create(
      Vertx vertx,
      RunStore store,
      PipelineService pipelines,
      ClusterService clusters,
      ClusterClients clients,
      SecretService secrets,
      PipelineDocuments documents,
      Future<LauncherJar> launcher,
      Path home,
      ConsoleConfig.Runs config,
      Supplier<String> consoleUrl,
      Clock clock,
      AuditStore audit,
      TasksRunning tasksRunning,
      CheckpointsSeen checkpointsSeen,
      Replica replica,
      ClusterLeases leases) {
    LaunchTickets tickets =
        new LaunchTickets(vertx, store.pool(), clock, java.time.Duration.ofSeconds(30));
    LaunchBundles bundles =
        new LaunchBundles(vertx, launcher, home.resolve("bundles"), config.flinkCdcDir());
    RunCheckpoints checkpoints = new RunCheckpoints(store, clusters, clients);
    RunOperationStore operations = new RunOperationStore(store);
    RunService service =
        new RunService(
            vertx,
            store,
            pipelines,
            clusters,
            clients,
            bundles,
            new LauncherUploads(),
            tickets,
            new SubmitYaml(documents, secrets),
            new RunEvents(vertx),
            consoleUrl,
            new RunPolicy(config.allowedFlinkConfig(), config.savepointPrefixes()),
            checkpoints,
            config.operationGiveUp(),
            clock,
            operations,
            replica.id(),
            config.lease());
    RunReconciler reconciler =
        new RunReconciler(
            vertx,
            store,
            operations,
            service,
            replica.id(),
            config.lease(),
            // a dead console's work is taken up within 1.5 leases, however slow the polling
            min(config.pollInterval(), config.lease().dividedBy(2)));
    RunWatcher watcher =
        new RunWatcher(
            vertx,
            store,
            service,
            checkpoints,
            clusters,
            clients,
            tasksRunning,
            checkpointsSeen,
            clock,
            new RunWatcher.Timing(
                config.pollInterval(),
                config.fastPollInterval(),
                config.lostGrace(),
                config.checkpointInterval(),
                config.checkpointsPerSecond()),
            reconciler::hurry,
            leases);
    SavepointStore savepoints = new SavepointStore(store.pool());
    SavepointTimer timer =
        new SavepointTimer(
            vertx,
            savepoints,
            service,
            new SavepointRetention(
                vertx,
                savepoints,
                clusters,
                clients,
                audit,
                config.savepointKeep(),
                config.savepointMaxAge()),
            config.pollInterval());
    return new Runs(
        service,
        watcher,
        new RunRoutes(service, watcher, new SavepointSchedules(savepoints, pipelines, clusters)),
        tickets,
        new RunWaiter(vertx, store),
        store,
        timer,
        reconciler);
  }

  private static java.time.Duration min(java.time.Duration a, java.time.Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
