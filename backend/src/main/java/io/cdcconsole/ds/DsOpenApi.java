package io.cdcconsole.ds;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts a DolphinScheduler workflow through its OpenAPI, in the form each version expects. DS
 * answers {@code {code, msg, data}}; only {@code code} 0 is success.
 */
final class DsOpenApi {
  private final HttpClientAgent http;
  private final WebClient client;
  private final Duration timeout;

  DsOpenApi(Vertx vertx, Duration timeout) {
    WebClientOptions options =
        new WebClientOptions()
            .setUserAgent("cdc-console")
            .setConnectTimeout((int) timeout.toMillis())
            .setFollowRedirects(false);
    this.http = vertx.createHttpClient(options);
    this.client = WebClient.wrap(http, options);
    this.timeout = timeout;
  }

  /** Closes the connections and the pool's cleaner timer. */
  Future<Void> close() {
    return http.close();
  }

  /**
   * Starts the workflow; {@code params} become DS's {@code startParams}, a JSON object of strings
   * that both 3.2 ({@code JSONUtils.toMap}) and 3.3 ({@code
   * PropertyUtils.startParamsTransformPropertyList}) read as IN/VARCHAR values of the workflow's
   * global parameters.
   */
  Future<JsonObject> startWorkflow(
      DsConnection connection,
      String token,
      String projectCode,
      String workflowCode,
      Map<String, String> params) {
    String base = base(connection);
    boolean v33 = "3.3".equals(connection.version());
    String path =
        "/dolphinscheduler/projects/"
            + projectCode
            + "/executors/"
            + (v33 ? "start-workflow-instance" : "start-process-instance");
    // both versions require scheduleTime (empty for a plain start); 3.3 leaves an unset priority
    // null, so it is sent
    MultiMap form =
        MultiMap.caseInsensitiveMultiMap()
            .add(v33 ? "workflowDefinitionCode" : "processDefinitionCode", workflowCode)
            .add("scheduleTime", "")
            .add("failureStrategy", "CONTINUE")
            .add("warningType", "NONE")
            .add(v33 ? "workflowInstancePriority" : "processInstancePriority", "MEDIUM");
    if (!params.isEmpty()) {
      form.add("startParams", new JsonObject(new LinkedHashMap<String, Object>(params)).encode());
    }
    return client
        .postAbs(base + path)
        .putHeader("token", token)
        .timeout(timeout.toMillis())
        .sendForm(form)
        .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .compose(DsOpenApi::accepted);
  }

  /**
   * Who the token signs in as: {@code GET /users/get-user-info}, the same in 3.2 and 3.3, cheap and
   * read-only. DS's login interceptor answers 401 without a body for an unknown, expired or
   * disabled user's token.
   */
  Future<JsonObject> whoAmI(DsConnection connection, String token) {
    return client
        .getAbs(base(connection) + "/dolphinscheduler/users/get-user-info")
        .putHeader("token", token)
        .timeout(timeout.toMillis())
        .send()
        .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .compose(DsOpenApi::accepted);
  }

  private static String base(DsConnection connection) {
    return connection.url().replaceAll("/+$", "").replaceAll("/dolphinscheduler$", "");
  }

  /** DS answered, but not with HTTP 200 and {@code code} 0. */
  static final class Refused extends IllegalStateException {
    final int httpStatus;

    Refused(int httpStatus, String message) {
      super(message);
      this.httpStatus = httpStatus;
    }
  }

  private static Future<JsonObject> accepted(HttpResponse<Buffer> response) {
    JsonObject body;
    try {
      body = response.bodyAsJsonObject();
    } catch (RuntimeException e) {
      body = null;
    }
    if (response.statusCode() != 200 || body == null) {
      return Future.failedFuture(
          new Refused(
              response.statusCode(), "DolphinScheduler answered HTTP " + response.statusCode()));
    }
    if (!Integer.valueOf(0).equals(body.getInteger("code"))) {
      return Future.failedFuture(
          new Refused(
              200,
              "DolphinScheduler refused: code "
                  + body.getValue("code")
                  + ", "
                  + body.getString("msg")));
    }
    return Future.succeededFuture(body);
  }
}
