package io.cdcconsole.ds;

import io.cdcconsole.test.OpenApiContract;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Behaves as DolphinScheduler's HTTP task does (no DS runs here): one request per attempt;
 * parameters as query parameters (DS 3.3 substitutes {@code ${...}} there, never in the URL),
 * static headers; success by status exactly 200 (the default check), a custom status, or the body
 * containing a string (case-sensitive). DS 3.3 checks, for a non-200 answer, a replaced body
 * ({@code Request execute failed, httpCode: N, ...}); 3.2 checks the body as is.
 */
final class DsHttpTask {
  enum Version {
    V3_2,
    V3_3
  }

  enum Check {
    STATUS_CODE_DEFAULT,
    STATUS_CODE_CUSTOM,
    BODY_CONTAINS
  }

  record Result(boolean success, int status, String checkedBody) {}

  private final Version version;
  private final String method;
  private final String url;
  private final Map<String, String> params = new LinkedHashMap<>();
  private final Map<String, String> headers = new LinkedHashMap<>();
  private Check check = Check.STATUS_CODE_DEFAULT;
  private String condition = "";
  private Duration timeout = Duration.ofSeconds(60);
  private String body;

  DsHttpTask(Version version, String method, String url) {
    this.version = version;
    this.method = method;
    this.url = url;
  }

  DsHttpTask param(String name, String value) {
    params.put(name, value);
    return this;
  }

  DsHttpTask header(String name, String value) {
    headers.put(name, value);
    return this;
  }

  /** An Http Body (3.3, POST/PUT): sent as JSON, as DS 3.3's HTTP client sends it. */
  DsHttpTask body(String json) {
    this.body = json;
    return this;
  }

  /**
   * The task a stored DS 3.3 HTTP task definition describes, with DS's built-in parameters ({@code
   * ${system...}}) substituted in parameter values and the body as DS does (never in the URL).
   */
  static DsHttpTask fromDefinition(
      Version version, io.vertx.core.json.JsonObject definition, Map<String, String> builtIns) {
    io.vertx.core.json.JsonObject p = definition.getJsonObject("taskParams");
    java.util.function.UnaryOperator<String> resolve =
        text -> {
          String out = text;
          for (Map.Entry<String, String> e : builtIns.entrySet()) {
            out = out.replace("${" + e.getKey() + "}", e.getValue());
          }
          return out;
        };
    DsHttpTask task = new DsHttpTask(version, p.getString("httpMethod"), p.getString("url"));
    p.getJsonArray("httpParams")
        .forEach(
            o -> {
              io.vertx.core.json.JsonObject row = (io.vertx.core.json.JsonObject) o;
              String value = resolve.apply(row.getString("value"));
              if ("HEADERS".equals(row.getString("httpParametersType"))) {
                task.header(row.getString("prop"), value);
              } else if ("PARAMETER".equals(row.getString("httpParametersType"))) {
                task.param(row.getString("prop"), value);
              }
            });
    String body = p.getString("httpBody", "");
    if (!body.isBlank()) {
      // DS 3.3 reads the body as a map of strings and writes it again as JSON
      task.body(new io.vertx.core.json.JsonObject(resolve.apply(body)).encode());
    }
    if ("BODY_CONTAINS".equals(p.getString("httpCheckCondition"))) {
      task.check(Check.BODY_CONTAINS, p.getString("condition"));
    }
    return task;
  }

  DsHttpTask check(Check check, String condition) {
    this.check = check;
    this.condition = condition;
    return this;
  }

  Result run() throws Exception {
    String query =
        params.entrySet().stream()
            .map(
                e ->
                    URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(query.isEmpty() ? url : url + "?" + query))
            .timeout(timeout)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json; charset=utf-8");
    }
    headers.forEach(request::header);
    HttpResponse<String> response =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .build()
            .send(request.build(), HttpResponse.BodyHandlers.ofString());
    int status = response.statusCode();
    OpenApiContract.get()
        .check(
            method,
            URI.create(url).getPath(),
            status,
            response.headers().firstValue("content-type").orElse(""),
            response.body());
    String body =
        version == Version.V3_3 && status != 200
            ? "Request execute failed, httpCode: " + status + ", httpUrl: " + url
            : response.body();
    boolean success =
        switch (check) {
          case STATUS_CODE_DEFAULT -> status == 200;
          case STATUS_CODE_CUSTOM -> String.valueOf(status).equals(condition);
          case BODY_CONTAINS -> body.contains(condition);
        };
    return new Result(success, status, body);
  }
}
