package io.cdcconsole.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Minimal Flink REST client for the tests, on java.net.http and Jackson. Public (and in the
 * test-jar) for the tests of other modules, which extend it with their own helpers (the launcher's
 * FlinkApi).
 */
public class FlinkRest {

  public static final ObjectMapper JSON = new ObjectMapper();

  /**
   * How long tests wait for a job to get somewhere: generous, since a loaded 2-core machine can be
   * many times slower than an idle one, and a job that gets there never waits for it.
   */
  public static final Duration PATIENCE = Duration.ofMinutes(3);

  private static final Set<String> TERMINAL = Set.of("FINISHED", "FAILED", "CANCELED");
  private static final Duration POLL_INTERVAL = Duration.ofMillis(100);

  private final String baseUrl;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public FlinkRest(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  public record Response(int status, String body) {
    public JsonNode json() throws IOException {
      return JSON.readTree(body);
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  public static String newJobId() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  public Response get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET());
  }

  public Response postJson(String path, JsonNode body) throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
  }

  public Response patch(String path) throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .method("PATCH", HttpRequest.BodyPublishers.noBody()));
  }

  private Response send(HttpRequest.Builder request) throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            request.timeout(Duration.ofSeconds(60)).build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return new Response(r.statusCode(), r.body());
  }

  /** POST /jars/upload as multipart/form-data, field {@code jarfile}. */
  public Response uploadJar(Path jar) throws IOException, InterruptedException {
    String boundary = "----cdcconsole" + UUID.randomUUID().toString().replace("-", "");
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    String head =
        "--"
            + boundary
            + "\r\n"
            + "Content-Disposition: form-data; name=\"jarfile\"; filename=\""
            + jar.getFileName()
            + "\"\r\n"
            + "Content-Type: application/x-java-archive\r\n\r\n";
    body.write(head.getBytes(StandardCharsets.UTF_8));
    body.write(Files.readAllBytes(jar));
    body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return send(
        HttpRequest.newBuilder(URI.create(baseUrl + "/jars/upload"))
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
  }

  /** Uploads a jar and returns its id (the last path element of {@code filename}). */
  public String uploadJarId(Path jar) throws IOException, InterruptedException {
    Response r = uploadJar(jar);
    if (r.status() != 200) {
      throw new IllegalStateException("upload failed: " + r);
    }
    String filename = r.json().path("filename").asText();
    return filename.substring(filename.lastIndexOf('/') + 1);
  }

  /** POST /jars/{id}/run with the given body. */
  public Response run(String jarId, JsonNode body) throws IOException, InterruptedException {
    return postJson("/jars/" + jarId + "/run", body);
  }

  /** POST /jars/{id}/run with entryClass, a fixed jobId, parallelism 1 and program arguments. */
  public Response runJar(String jarId, String entryClass, String jobId, List<String> args)
      throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode();
    body.put("entryClass", entryClass);
    body.put("jobId", jobId);
    body.put("parallelism", 1);
    body.putArray("programArgsList")
        .addAll(args.stream().map(JSON.getNodeFactory()::textNode).toList());
    return run(jarId, body);
  }

  /**
   * Polls GET /jobs/{id} until the state is one of the wanted or a terminal one; returns the last
   * details.
   */
  public JsonNode awaitJobState(String jobId, Set<String> wanted, Duration timeout)
      throws Exception {
    return poll(
        "/jobs/" + jobId,
        timeout,
        "job " + jobId + " did not reach " + wanted,
        job -> {
          String state = job.path("state").asText();
          return wanted.contains(state) || TERMINAL.contains(state);
        });
  }

  /**
   * Polls GET /jobs/{id} until the job and all its vertices are RUNNING (needed before a
   * savepoint); fails at once if the job ends instead. Returns the last details.
   */
  public JsonNode awaitAllTasksRunning(String jobId, Duration timeout) throws Exception {
    return poll(
        "/jobs/" + jobId,
        timeout,
        "job " + jobId + " not fully running",
        job -> {
          String state = job.path("state").asText();
          if (TERMINAL.contains(state)) {
            throw new AssertionError(
                "job " + jobId + " ended " + state + " instead of running: " + job);
          }
          boolean allRunning = "RUNNING".equals(state) && job.path("vertices").size() > 0;
          for (JsonNode v : job.path("vertices")) {
            allRunning &= "RUNNING".equals(v.path("status").asText());
          }
          return allRunning;
        });
  }

  /** Polls GET /jobs/{id}/savepoints/{triggerId} until COMPLETED; fails on a failure cause. */
  public JsonNode awaitSavepoint(String jobId, String triggerId, Duration timeout)
      throws Exception {
    return poll(
        "/jobs/" + jobId + "/savepoints/" + triggerId,
        timeout,
        "savepoint " + triggerId + " not completed",
        savepoint -> {
          if (!"COMPLETED".equals(savepoint.path("status").path("id").asText())) {
            return false;
          }
          if (savepoint.path("operation").has("failure-cause")) {
            throw new AssertionError("savepoint failed: " + savepoint);
          }
          return true;
        });
  }

  /**
   * Polls GET {path} until an answer 200 is {@code done}; returns it, or fails with the last one
   * seen.
   */
  private JsonNode poll(String path, Duration timeout, String notDone, Predicate<JsonNode> done)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      Response r = get(path);
      if (r.status() == 200) {
        last = r.json();
        if (done.test(last)) {
          return last;
        }
      }
      Thread.sleep(POLL_INTERVAL.toMillis());
    }
    throw new AssertionError(notDone + " in " + timeout + ": " + last);
  }
}
