package io.cdcconsole.web;

import io.cdcconsole.error.ApiError;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/** An RFC 9457 problem document, the body of every 4xx and 5xx answer. */
public record Problem(int status, String title, String detail, JsonObject extensions) {
  public static final String CONTENT_TYPE = "application/problem+json";
  private static final String TYPE_PREFIX = "urn:cdc-console:problem:";

  public static Problem of(ApiError error) {
    return new Problem(error.status(), error.title(), error.detail(), error.extensions());
  }

  public static Problem of(int status, String detail) {
    return new Problem(
        status, HttpResponseStatus.valueOf(status).reasonPhrase(), detail, new JsonObject());
  }

  public JsonObject toJson(String instance) {
    JsonObject json =
        new JsonObject()
            .put("type", TYPE_PREFIX + title.toLowerCase().replace(' ', '-'))
            .put("title", title)
            .put("status", status)
            .put("detail", detail);
    if (instance != null) {
      json.put("instance", instance);
    }
    return json.mergeIn(extensions);
  }

  public void send(HttpServerResponse response, String instance) {
    response.setStatusCode(status).putHeader("Content-Type", CONTENT_TYPE);
    if (status == 401) {
      response.putHeader("WWW-Authenticate", "Bearer realm=\"cdc-console\"");
    }
    Object retryAfter = extensions.getValue("retryAfterSeconds");
    if (status == 429 && retryAfter != null) {
      response.putHeader("Retry-After", retryAfter.toString());
    }
    JsonObject json = toJson(instance);
    // set by RequestIds on every routed request: the answer names the id its log lines carry
    String requestId = response.headers().get(RequestIds.HEADER);
    if (requestId != null) {
      json.put("requestId", requestId);
    }
    response.end(json.encode());
  }
}
