package io.cdcconsole.cluster;

import io.cdcconsole.cluster.FlinkRestClient.AnswerTooLargeException;
import io.cdcconsole.cluster.FlinkRestClient.FlinkRestException;
import io.cdcconsole.error.ClusterUnavailable;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The Flink REST API of one cluster in the console's terms: Flink's paths and field names live here
 * and nowhere else, answers are records. Failures are of two kinds only: Flink answered with an
 * error ({@link FlinkRestException}, with its status), or the cluster did not answer ({@link
 * ClusterUnavailable}, raised here once for every call).
 */
public final class FlinkGateway {
  /** Running a jar does real work on the JobManager (the launcher's main composes the job). */
  private static final Duration RUN_JAR_TIMEOUT = Duration.ofMinutes(3);

  private static final Duration TRIGGER_TIMEOUT = Duration.ofSeconds(30);

  /** {@code /overview}: the cluster's capacity; a field Flink did not send is null. */
  public record ClusterOverview(
      String flinkVersion,
      Integer taskManagers,
      Integer slotsTotal,
      Integer slotsAvailable,
      Integer jobsRunning) {}

  /**
   * One row of {@code /jobs/overview}. {@code allTasksRunning}: every task of the job is RUNNING or
   * FINISHED, at least one RUNNING — before that Flink refuses the checkpoints it triggers.
   */
  public record JobSummary(
      String id, String name, String state, long startTime, boolean allTasksRunning) {
    static JobSummary of(JsonObject job) {
      JsonObject tasks = job.getJsonObject("tasks", new JsonObject());
      int running = tasks.getInteger("running", 0);
      return new JobSummary(
          job.getString("jid"),
          job.getString("name"),
          job.getString("state"),
          job.getLong("start-time", 0L),
          running > 0 && running + tasks.getInteger("finished", 0) == tasks.getInteger("total", 0));
    }
  }

  /** A job as {@code /jobs/{id}} describes it (the fields the console reads). */
  public record Job(String id, String name, String state) {}

  /** One uploaded jar of {@code /jars}. */
  public record JarFile(String id, String name) {}

  /**
   * A completed checkpoint; {@code externalPath} may be Flink's not-addressable marker, {@code
   * sizeBytes} is what it wrote (the incremental size where Flink reports one, else the full
   * state).
   */
  public record Checkpoint(
      Long id, Long ackedAt, String externalPath, Long durationMs, Long sizeBytes) {
    static Checkpoint of(JsonObject completed) {
      return new Checkpoint(
          completed.getLong("id"),
          completed.getLong("latest_ack_timestamp"),
          completed.getString("external_path"),
          completed.getLong("end_to_end_duration"),
          completed.getLong("checkpointed_size", completed.getLong("state_size")));
    }
  }

  /**
   * A job's checkpoint statistics ({@code GET /jobs/{id}/checkpoints}): counts since the job
   * started ({@code triggered} is Flink's {@code total}), its latest completed checkpoint and when
   * its latest failed one failed; a count Flink did not send is null.
   */
  public record Checkpoints(
      Long triggered,
      Long inProgress,
      Long failed,
      Optional<Checkpoint> latest,
      Optional<Long> latestFailedAt) {
    static Checkpoints of(JsonObject answer) {
      JsonObject counts = answer.getJsonObject("counts", new JsonObject());
      JsonObject latest = answer.getJsonObject("latest", new JsonObject());
      JsonObject completed = latest.getJsonObject("completed");
      JsonObject failed = latest.getJsonObject("failed");
      return new Checkpoints(
          counts.getLong("total"),
          counts.getLong("in_progress"),
          counts.getLong("failed"),
          Optional.ofNullable(completed).map(Checkpoint::of),
          Optional.ofNullable(failed).map(f -> f.getLong("failure_timestamp")));
    }
  }

  /** A vertex of a job's plan ({@code GET /jobs/{id}/plan}) and the vertices it reads from. */
  public record PlanVertex(String id, List<String> inputs) {
    /** Flink 2.x leaves {@code inputs} out of a vertex without any, Flink 1.x may send it empty. */
    static List<PlanVertex> of(JsonObject answer) {
      List<PlanVertex> vertices = new ArrayList<>();
      JsonArray nodes =
          answer.getJsonObject("plan", new JsonObject()).getJsonArray("nodes", new JsonArray());
      for (Object o : nodes) {
        JsonObject node = (JsonObject) o;
        List<String> inputs = new ArrayList<>();
        for (Object i : node.getJsonArray("inputs", new JsonArray())) {
          inputs.add(((JsonObject) i).getString("id"));
        }
        vertices.add(new PlanVertex(node.getString("id"), List.copyOf(inputs)));
      }
      return vertices;
    }
  }

  /**
   * One metric over a vertex's subtasks ({@code subtasks/metrics?get=…&agg=min,max,sum}); an
   * aggregate Flink did not send, or not as a number, is null.
   */
  public record AggregatedMetric(Double min, Double max, Double sum) {
    /** The metrics of the answer by name (Flink sends numbers; a string is read if it is one). */
    static Map<String, AggregatedMetric> byName(JsonArray answer) {
      Map<String, AggregatedMetric> byName = new LinkedHashMap<>();
      for (Object o : answer) {
        JsonObject m = (JsonObject) o;
        byName.put(
            m.getString("id"),
            new AggregatedMetric(
                number(m.getValue("min")), number(m.getValue("max")), number(m.getValue("sum"))));
      }
      return byName;
    }

    private static Double number(Object v) {
      if (v instanceof Number n) {
        return n.doubleValue();
      }
      if (v instanceof String s) {
        try {
          return Double.parseDouble(s);
        } catch (NumberFormatException e) {
          return null;
        }
      }
      return null;
    }
  }

  /**
   * The status of an asynchronous operation (a savepoint, a stop, a disposal) under its trigger or
   * request id. When completed, it either wrote {@code location} or failed with {@code failure}
   * (Flink's stack trace or class).
   */
  public record OperationStatus(
      boolean completed, Optional<String> location, Optional<String> failure) {
    public static OperationStatus inProgress() {
      return new OperationStatus(false, Optional.empty(), Optional.empty());
    }

    public static OperationStatus failed(String failure) {
      return new OperationStatus(true, Optional.empty(), Optional.of(failure));
    }

    static OperationStatus of(JsonObject answer) {
      boolean completed =
          "COMPLETED".equals(answer.getJsonObject("status", new JsonObject()).getString("id"));
      JsonObject operation = answer.getJsonObject("operation", new JsonObject());
      JsonObject cause = operation.getJsonObject("failure-cause");
      return new OperationStatus(
          completed,
          Optional.ofNullable(operation.getString("location")),
          cause == null
              ? Optional.empty()
              : Optional.of(
                  cause.getString("stack-trace", cause.getString("class", "unknown cause"))));
    }
  }

  /**
   * The root cause of a job's latest failure from {@code /jobs/{id}/exceptions}: Flink before 2.0
   * answers {@code root-exception}; Flink 2.0 dropped it and answers only {@code exceptionHistory}.
   */
  public record JobExceptions(Optional<String> rootCause) {
    public static JobExceptions of(JsonObject answer) {
      String text = answer.getString("root-exception");
      JsonArray history =
          answer
              .getJsonObject("exceptionHistory", new JsonObject())
              .getJsonArray("entries", new JsonArray());
      if (text == null && !history.isEmpty()) {
        JsonObject latest = history.getJsonObject(0);
        text = latest.getString("stacktrace", latest.getString("exceptionName"));
      }
      return new JobExceptions(Optional.ofNullable(text));
    }
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  private final String cluster;
  private final FlinkRestClient client;

  /** A fresh id in Flink's format for a JobID or a TriggerId (16 random bytes, 32 hex digits). */
  public static String newId() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  public FlinkGateway(String cluster, FlinkRestClient client) {
    this.cluster = cluster;
    this.client = client;
  }

  /**
   * {@code GET /overview}; an answer without Flink's fields' types is Flink's error, not an outage.
   */
  public Future<ClusterOverview> overview() {
    return read(
        client.getJson("/overview"),
        "/overview",
        o ->
            new ClusterOverview(
                o.getString("flink-version"),
                o.getInteger("taskmanagers"),
                o.getInteger("slots-total"),
                o.getInteger("slots-available"),
                o.getInteger("jobs-running")));
  }

  /** The Flink version {@code GET /config} states (the web UI's configuration). */
  public Future<Optional<String>> flinkVersion() {
    return read(
        client.getJson("/config"),
        "/config",
        config -> Optional.ofNullable(config.getString("flink-version")));
  }

  /**
   * {@code GET /jobmanager/environment} (Flink 1.17+): the JobManager's JVM and class path, as
   * Flink sends them.
   */
  public Future<JsonObject> jobManagerEnvironment() {
    return call(client.getJson("/jobmanager/environment"));
  }

  /** {@code GET /jobs/overview}: every job the cluster knows. */
  public Future<List<JobSummary>> jobs() {
    return read(
        client.getJson("/jobs/overview"),
        "/jobs/overview",
        overview -> {
          List<JobSummary> jobs = new ArrayList<>();
          for (Object o : overview.getJsonArray("jobs", new JsonArray())) {
            jobs.add(JobSummary.of((JsonObject) o));
          }
          return jobs;
        });
  }

  /** {@code GET /jobs/{id}}; a job the cluster does not know fails with HTTP 404. */
  public Future<Job> job(String jobId) {
    return read(
        client.getJson("/jobs/" + jobId),
        "/jobs/{id}",
        job -> new Job(job.getString("jid", jobId), job.getString("name"), job.getString("state")));
  }

  /** {@code GET /jars}. */
  public Future<List<JarFile>> jars() {
    return read(
        client.getJson("/jars"),
        "/jars",
        list -> {
          List<JarFile> jars = new ArrayList<>();
          for (Object f : list.getJsonArray("files", new JsonArray())) {
            JsonObject file = (JsonObject) f;
            jars.add(new JarFile(file.getString("id"), file.getString("name")));
          }
          return jars;
        });
  }

  /** {@code POST /jars/upload}; answers the jar id Flink gave the upload. */
  public Future<String> uploadJar(String fileName, Path jar) {
    return read(
        client.uploadJar(fileName, jar, FlinkRestClient.LONGEST_CALL),
        "/jars/upload",
        uploaded -> {
          String path = uploaded.getString("filename");
          return path.substring(path.lastIndexOf('/') + 1);
        });
  }

  /** One entry of {@code GET /jobmanager/config}, if the JobManager has it set. */
  public Future<Optional<String>> jobManagerConfig(String key) {
    return read(
        client.getJsonArray("/jobmanager/config"),
        "/jobmanager/config",
        entries -> {
          for (Object e : entries) {
            JsonObject entry = (JsonObject) e;
            if (key.equals(entry.getString("key"))) {
              return Optional.ofNullable(entry.getString("value"));
            }
          }
          return Optional.<String>empty();
        });
  }

  /**
   * What {@code POST /jars/{jarId}/run} sends: the launcher's entry, its argument and the JobID
   * chosen beforehand.
   */
  public record JarRun(
      String entryClass,
      String programArgument,
      String jobId,
      boolean allowNonRestoredState,
      JsonObject flinkConfiguration,
      Optional<String> savepointPath) {
    JsonObject body() {
      JsonObject body =
          new JsonObject()
              .put("entryClass", entryClass)
              .put("programArgsList", new JsonArray().add(programArgument))
              .put("jobId", jobId)
              .put("allowNonRestoredState", allowNonRestoredState)
              .put("flinkConfiguration", flinkConfiguration);
      savepointPath.ifPresent(path -> body.put("savepointPath", path));
      return body;
    }

    public JarRun withArgument(String argument) {
      return new JarRun(
          entryClass, argument, jobId, allowNonRestoredState, flinkConfiguration, savepointPath);
    }
  }

  /**
   * {@code POST /jars/{jarId}/run}: Flink runs the jar's main, which submits the job under the
   * given JobID.
   */
  public Future<Void> runJar(String jarId, JarRun run) {
    return call(client.postJson("/jars/" + jarId + "/run", run.body(), RUN_JAR_TIMEOUT)).mapEmpty();
  }

  /** {@code PATCH /jobs/{id}?mode=cancel}. */
  public Future<Void> cancel(String jobId) {
    return call(client.patch("/jobs/" + jobId + "?mode=cancel")).mapEmpty();
  }

  /**
   * {@code POST /jobs/{id}/stop} with the console's own {@code triggerId}: sent again, it is the
   * same operation (Flink 1.17+ keeps one operation per job and trigger id).
   */
  public Future<Void> triggerStop(
      String jobId, String triggerId, boolean drain, Optional<String> targetDirectory) {
    JsonObject body = new JsonObject().put("triggerId", triggerId).put("drain", drain);
    targetDirectory.ifPresent(dir -> body.put("targetDirectory", dir));
    return call(client.postJson("/jobs/" + jobId + "/stop", body, TRIGGER_TIMEOUT)).mapEmpty();
  }

  /**
   * {@code POST /jobs/{id}/savepoints} (the job keeps running) with the console's own {@code
   * triggerId}.
   */
  public Future<Void> triggerSavepoint(
      String jobId, String triggerId, Optional<String> targetDirectory) {
    JsonObject body = new JsonObject().put("triggerId", triggerId).put("cancel-job", false);
    targetDirectory.ifPresent(dir -> body.put("target-directory", dir));
    return call(client.postJson("/jobs/" + jobId + "/savepoints", body, TRIGGER_TIMEOUT))
        .mapEmpty();
  }

  /**
   * {@code GET /jobs/{id}/savepoints/{triggerId}}: a stop's or savepoint's status; 404 when Flink
   * does not know it.
   */
  public Future<OperationStatus> savepointStatus(String jobId, String triggerId) {
    return read(
        client.getJson("/jobs/" + jobId + "/savepoints/" + triggerId),
        "/jobs/{id}/savepoints/{triggerId}",
        OperationStatus::of);
  }

  /** {@code POST /savepoint-disposal}; answers the request id to follow. */
  public Future<String> triggerDisposal(String savepointPath) {
    return read(
        client.postJson(
            "/savepoint-disposal",
            new JsonObject().put("savepoint-path", savepointPath),
            TRIGGER_TIMEOUT),
        "/savepoint-disposal",
        answer -> answer.getString("request-id"));
  }

  /** {@code GET /savepoint-disposal/{requestId}}. */
  public Future<OperationStatus> disposalStatus(String requestId) {
    return read(
        client.getJson("/savepoint-disposal/" + requestId),
        "/savepoint-disposal/{id}",
        OperationStatus::of);
  }

  /** {@code GET /jobs/{id}/exceptions?maxExceptions=1}, in Flink's pre-2.0 or 2.0 shape. */
  public Future<JobExceptions> exceptions(String jobId) {
    return read(
        client.getJson("/jobs/" + jobId + "/exceptions?maxExceptions=1"),
        "/jobs/{id}/exceptions",
        JobExceptions::of);
  }

  /** {@code GET /jobs/{id}/checkpoints}. */
  public Future<Checkpoints> checkpoints(String jobId) {
    return read(
        client.getJson("/jobs/" + jobId + "/checkpoints"),
        "/jobs/{id}/checkpoints",
        Checkpoints::of);
  }

  /** The latest completed checkpoint of {@link #checkpoints}; empty when the job has none yet. */
  public Future<Optional<Checkpoint>> latestCheckpoint(String jobId) {
    return checkpoints(jobId).map(Checkpoints::latest);
  }

  /** {@code GET /jobs/{id}/plan}: the job graph's vertices, in Flink's order. */
  public Future<List<PlanVertex>> plan(String jobId) {
    return read(client.getJson("/jobs/" + jobId + "/plan"), "/jobs/{id}/plan", PlanVertex::of);
  }

  /** {@code GET /jobs/{id}/vertices/{v}/subtasks/metrics}: the names its subtasks report. */
  public Future<List<String>> subtaskMetricNames(String jobId, String vertexId) {
    return read(
        client.getJsonArray(vertexPath(jobId, vertexId) + "/subtasks/metrics"),
        "/jobs/{id}/vertices/{id}/subtasks/metrics",
        FlinkGateway::metricNames);
  }

  /**
   * {@code GET /jobs/{id}/vertices/{v}/subtasks/metrics?get=…&agg=min,max,sum}: the named metrics
   * over the vertex's subtasks, by name; a name no subtask reports is missing.
   */
  public Future<Map<String, AggregatedMetric>> subtaskMetrics(
      String jobId, String vertexId, List<String> names) {
    // metric names carry operator names, which may hold spaces, '&', '#', ...
    String get =
        names.stream()
            .map(name -> URLEncoder.encode(name, StandardCharsets.UTF_8))
            .collect(Collectors.joining(","));
    return read(
        client.getJsonArray(
            vertexPath(jobId, vertexId) + "/subtasks/metrics?get=" + get + "&agg=min,max,sum"),
        "/jobs/{id}/vertices/{id}/subtasks/metrics?get=",
        AggregatedMetric::byName);
  }

  /** The names of a metric list ({@code [{"id": name}, …]}); entries without a name are skipped. */
  static List<String> metricNames(JsonArray answer) {
    List<String> names = new ArrayList<>();
    for (Object o : answer) {
      if (o instanceof JsonObject m && m.getString("id") != null) {
        names.add(m.getString("id"));
      }
    }
    return names;
  }

  private static String vertexPath(String jobId, String vertexId) {
    return "/jobs/" + jobId + "/vertices/" + vertexId;
  }

  /**
   * An answer read by {@code parse}. An answer not in Flink's shape (a field of another type, a
   * missing one) is the cluster's error, as an error status is, rather than an outage or a bare
   * ClassCastException in the log and the API.
   */
  private <A, T> Future<T> read(Future<A> answer, String endpoint, Function<A, T> parse) {
    return call(answer)
        .compose(
            a -> {
              try {
                return Future.succeededFuture(parse.apply(a));
              } catch (RuntimeException e) {
                return Future.failedFuture(
                    new FlinkRestException(
                        200,
                        "the answer to "
                            + endpoint
                            + " is not in Flink's shape ("
                            + e.getClass().getSimpleName()
                            + ")"));
              }
            });
  }

  /** The one place where a transport failure becomes {@link ClusterUnavailable}. */
  private <T> Future<T> call(Future<T> answer) {
    return answer.recover(
        err ->
            Future.failedFuture(
                err instanceof FlinkRestException
                        || err instanceof AnswerTooLargeException
                        || err instanceof ClusterUnavailable
                    ? err
                    : new ClusterUnavailable(cluster, err)));
  }
}
