package io.cdcconsole.launcher;

import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ObjectNode;

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
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Minimal Flink REST client for the integration tests (java.net.http, Flink's shaded Jackson). */
final class FlinkApi {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String ENTRY_CLASS = "io.cdcconsole.launcher.PipelineLauncher";

    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    FlinkApi(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    record Response(int status, String body) {
        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    /** target/cdc-console-launcher.jar, built by `package` before failsafe runs. */
    static Path launcherJar() {
        Path jar = Path.of(System.getProperty("cdc.launcher.jar", "target/cdc-console-launcher.jar"))
                .toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist: run the integration tests with `verify`");
        }
        return jar;
    }

    static String newJobId() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    Response get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET());
    }

    Response postJson(String path, JsonNode body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
    }

    Response patch(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()));
    }

    private Response send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Response(r.statusCode(), r.body());
    }

    /** POST /jars/upload (multipart, field jarfile); returns the jar id. */
    String uploadJar(Path jar) throws IOException, InterruptedException {
        String boundary = "----cdcconsole" + UUID.randomUUID().toString().replace("-", "");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"jarfile\"; filename=\"" + jar.getFileName() + "\"\r\n"
                + "Content-Type: application/x-java-archive\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(Files.readAllBytes(jar));
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        Response r = send(HttpRequest.newBuilder(URI.create(baseUrl + "/jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
        if (r.status() != 200) {
            throw new IllegalStateException("upload failed: " + r);
        }
        String filename = r.json().path("filename").asText();
        return filename.substring(filename.lastIndexOf('/') + 1);
    }

    /** The body of POST /jars/{id}/run as the console sends it. */
    static ObjectNode runBody(String jobId, String arg0) {
        ObjectNode body = JSON.createObjectNode();
        body.put("entryClass", ENTRY_CLASS);
        body.putArray("programArgsList").add(arg0);
        body.put("jobId", jobId);
        return body;
    }

    static ObjectNode withFlinkConfiguration(ObjectNode body, Map<String, String> config) {
        ObjectNode conf = body.putObject("flinkConfiguration");
        config.forEach(conf::put);
        return body;
    }

    Response run(String jarId, ObjectNode body) throws IOException, InterruptedException {
        return postJson("/jars/" + jarId + "/run", body);
    }

    /** Polls GET /jobs/{id} until the state is wanted or terminal; returns the last details. */
    JsonNode awaitJobState(String jobId, Set<String> wanted, Duration timeout) throws Exception {
        Set<String> terminal = Set.of("FINISHED", "FAILED", "CANCELED");
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            Response r = get("/jobs/" + jobId);
            if (r.status() == 200) {
                last = r.json();
                String state = last.path("state").asText();
                if (wanted.contains(state) || terminal.contains(state)) {
                    return last;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("job " + jobId + " did not reach " + wanted + " in " + timeout + ": " + last);
    }

    /** Polls until the job and all its vertices are RUNNING. */
    JsonNode awaitAllTasksRunning(String jobId, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            Response r = get("/jobs/" + jobId);
            if (r.status() == 200) {
                last = r.json();
                String state = last.path("state").asText();
                if (Set.of("FINISHED", "FAILED", "CANCELED").contains(state)) {
                    throw new AssertionError("job " + jobId + " ended " + state + " instead of running: " + last);
                }
                boolean allRunning = "RUNNING".equals(state) && last.path("vertices").size() > 0;
                for (JsonNode v : last.path("vertices")) {
                    allRunning &= "RUNNING".equals(v.path("status").asText());
                }
                if (allRunning) {
                    return last;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("job " + jobId + " not fully running in " + timeout + ": " + last);
    }

    /** POST /jobs/{id}/stop (no drain, cluster's savepoint dir); returns the savepoint location. */
    String stopWithSavepoint(String jobId, Duration timeout) throws Exception {
        Response stop = postJson("/jobs/" + jobId + "/stop", JSON.createObjectNode().put("drain", false));
        if (stop.status() != 202) {
            throw new AssertionError("stop failed: " + stop);
        }
        String triggerId = stop.json().path("request-id").asText();
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            Response r = get("/jobs/" + jobId + "/savepoints/" + triggerId);
            if (r.status() == 200) {
                last = r.json();
                if ("COMPLETED".equals(last.path("status").path("id").asText())) {
                    if (last.path("operation").has("failure-cause")) {
                        throw new AssertionError("savepoint failed: " + last);
                    }
                    return last.path("operation").path("location").asText();
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("savepoint " + triggerId + " not completed in " + timeout + ": " + last);
    }

    /** Bodies of REST answers about a job and the cluster, for "never shows the secret" checks. */
    Map<String, Response> jobAnswers(String jobId) throws IOException, InterruptedException {
        Map<String, Response> answers = new java.util.LinkedHashMap<>();
        for (String path : List.of("/jobs/" + jobId, "/jobs/" + jobId + "/config", "/jobs/" + jobId + "/plan",
                "/jobs/" + jobId + "/jobmanager/config", "/jobs/" + jobId + "/exceptions",
                "/jobs/" + jobId + "/checkpoints/config", "/jobs/overview", "/jars", "/jobmanager/config",
                "/jobmanager/environment", "/config")) {
            answers.put(path, get(path));
        }
        return answers;
    }
}
