package io.cdcconsole.ds;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Starts a DolphinScheduler workflow through its OpenAPI, in the form each version expects. DS answers
 * {@code {code, msg, data}}; only {@code code} 0 is success.
 */
final class DsOpenApi {
  private final WebClient client;
  private final Duration timeout;

  DsOpenApi(Vertx vertx, Duration timeout) {
    this.client = WebClient.create(vertx, new WebClientOptions().setUserAgent("cdc-console")
        .setConnectTimeout((int) timeout.toMillis()).setFollowRedirects(false));
    this.timeout = timeout;
  }

  Future<JsonObject> startWorkflow(DsConnection connection, String token, String projectCode, String workflowCode) {
    String base = connection.url().replaceAll("/+$", "").replaceAll("/dolphinscheduler$", "");
    boolean v33 = "3.3".equals(connection.version());
    String path = "/dolphinscheduler/projects/" + projectCode + "/executors/"
        + (v33 ? "start-workflow-instance" : "start-process-instance");
    // both versions require scheduleTime (empty for a plain start); 3.3 leaves an unset priority null, so it is sent
    MultiMap form = MultiMap.caseInsensitiveMultiMap()
        .add(v33 ? "workflowDefinitionCode" : "processDefinitionCode", workflowCode)
        .add("scheduleTime", "")
        .add("failureStrategy", "CONTINUE")
        .add("warningType", "NONE")
        .add(v33 ? "workflowInstancePriority" : "processInstancePriority", "MEDIUM");
    return client.postAbs(base + path)
        .putHeader("token", token)
        .timeout(timeout.toMillis())
        .sendForm(form)
        .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .compose(response -> {
          JsonObject body;
          try {
            body = response.bodyAsJsonObject();
          } catch (RuntimeException e) {
            body = null;
          }
          if (response.statusCode() != 200 || body == null) {
            return Future.failedFuture(new IllegalStateException("DolphinScheduler answered HTTP " + response.statusCode()));
          }
          if (!Integer.valueOf(0).equals(body.getInteger("code"))) {
            return Future.failedFuture(new IllegalStateException("DolphinScheduler refused: code " + body.getValue("code")
                + ", " + body.getString("msg")));
          }
          return Future.succeededFuture(body);
        });
  }
}
