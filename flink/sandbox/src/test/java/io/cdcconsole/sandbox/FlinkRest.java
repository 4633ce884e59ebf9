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

/** Minimal Flink REST client for the tests, on java.net.http. */
final class FlinkRest {

    static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    FlinkRest(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    record Response(int status, String body) {
        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    Response get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(30)).GET().build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Response(r.statusCode(), r.body());
    }

    Response postJson(String path, JsonNode body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Response(r.statusCode(), r.body());
    }

    /** POST /jars/upload as multipart/form-data, field {@code jarfile}. */
    Response uploadJar(Path jar) throws IOException, InterruptedException {
        String boundary = "----cdcconsole" + UUID.randomUUID().toString().replace("-", "");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String head = "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"jarfile\"; filename=\"" + jar.getFileName() + "\"\r\n"
                + "Content-Type: application/x-java-archive\r\n\r\n";
        body.write(head.getBytes(StandardCharsets.UTF_8));
        body.write(Files.readAllBytes(jar));
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/jars/upload"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Response(r.statusCode(), r.body());
    }

    /** Uploads a jar and returns its id (the last path element of {@code filename}). */
    String uploadJarId(Path jar) throws IOException, InterruptedException {
        Response r = uploadJar(jar);
        if (r.status() != 200) {
            throw new IllegalStateException("upload failed: " + r.status() + " " + r.body());
        }
        String filename = r.json().path("filename").asText();
        return filename.substring(filename.lastIndexOf('/') + 1);
    }

    /** POST /jars/{id}/run with entryClass, a fixed jobId and program arguments. */
    Response runJar(String jarId, String entryClass, String jobId, List<String> args)
            throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        body.put("entryClass", entryClass);
        body.put("jobId", jobId);
        body.put("parallelism", 1);
        body.putArray("programArgsList").addAll(args.stream().map(JSON.getNodeFactory()::textNode).toList());
        return postJson("/jars/" + jarId + "/run", body);
    }

    /** Polls GET /jobs/{id} until the state is one of the wanted or a terminal one; returns the last details. */
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
            Thread.sleep(200);
        }
        throw new AssertionError("job " + jobId + " did not reach " + wanted + " in " + timeout + ": " + last);
    }

    /** Polls GET /jobs/{id} until the job and all its vertices are RUNNING (needed before a savepoint). */
    void awaitAllTasksRunning(String jobId, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            Response r = get("/jobs/" + jobId);
            if (r.status() == 200) {
                last = r.json();
                boolean allRunning = "RUNNING".equals(last.path("state").asText()) && last.path("vertices").size() > 0;
                for (JsonNode v : last.path("vertices")) {
                    allRunning &= "RUNNING".equals(v.path("status").asText());
                }
                if (allRunning) {
                    return;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("job " + jobId + " not fully running in " + timeout + ": " + last);
    }

    /** Polls GET /jobs/{id}/savepoints/{triggerId} until COMPLETED; fails on a failure cause. */
    JsonNode awaitSavepoint(String jobId, String triggerId, Duration timeout) throws Exception {
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
                    return last;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("savepoint " + triggerId + " not completed in " + timeout + ": " + last);
    }

    static String newJobId() {
        return UUID.randomUUID().toString().replace("-", "");
    }
}
