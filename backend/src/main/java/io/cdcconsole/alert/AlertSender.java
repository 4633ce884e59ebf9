package io.cdcconsole.alert;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.StartTLSOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.util.List;

/**
 * Sends one message to one channel (settings with secrets decrypted); fails with a text free of
 * those secrets.
 */
final class AlertSender {
  private final Vertx vertx;
  private final HttpClientAgent http;
  private final WebClient web;
  private final Duration timeout;

  AlertSender(Vertx vertx, Duration timeout) {
    this.vertx = vertx;
    this.timeout = timeout;
    WebClientOptions options =
        new WebClientOptions()
            .setConnectTimeout((int) timeout.toMillis())
            .setFollowRedirects(false);
    this.http = vertx.createHttpClient(options);
    this.web = WebClient.wrap(http, options);
  }

  /** Closes the connections and the pool's cleaner timer. */
  Future<Void> close() {
    return http.close();
  }

  /** Answers what the receiver said (kept with the delivery). */
  Future<String> send(ChannelType type, JsonObject config, AlertMessage message) {
    Future<String> sent =
        type == ChannelType.EMAIL ? mail(config, message) : http(type, config, message);
    return sent.recover(
        err ->
            Future.failedFuture(
                new IllegalStateException(
                    scrub(
                        err.getMessage() == null
                            ? err.getClass().getSimpleName()
                            : err.getMessage(),
                        type,
                        config))));
  }

  private Future<String> http(ChannelType type, JsonObject config, AlertMessage message) {
    ChannelRequests.Outbound out =
        ChannelRequests.build(type, config, message, System.currentTimeMillis());
    HttpRequest<Buffer> request = web.postAbs(out.url()).timeout(timeout.toMillis());
    out.headers().forEach(request::putHeader);
    return request
        .sendBuffer(Buffer.buffer(out.body()))
        .compose(
            resp -> {
              String body = resp.bodyAsString();
              String refusal = ChannelRequests.refusal(type, resp.statusCode(), body);
              return refusal == null
                  ? Future.succeededFuture(body == null ? "HTTP " + resp.statusCode() : body)
                  : Future.failedFuture(refusal);
            });
  }

  private Future<String> mail(JsonObject config, AlertMessage message) {
    MailConfig mc =
        new MailConfig()
            .setHostname(config.getString("host"))
            .setPort(config.getInteger("port"))
            .setSsl(config.getBoolean("ssl", false))
            .setStarttls(StartTLSOptions.valueOf(config.getString("starttls", "OPTIONAL")))
            .setConnectTimeout((int) timeout.toMillis());
    String user = config.getString("username", "");
    if (!user.isEmpty()) {
      mc.setUsername(user).setPassword(config.getString("password", ""));
    }
    MailClient client = MailClient.create(vertx, mc);
    MailMessage mail =
        new MailMessage()
            .setFrom(config.getString("from"))
            .setTo(recipients(config))
            .setSubject(message.title())
            .setText(message.text());
    return client
        .sendMail(mail)
        .map(r -> "sent to " + String.join(", ", r.getRecipients()))
        .eventually(() -> client.close());
  }

  static List<String> recipients(JsonObject config) {
    Object to = config.getValue("to");
    if (to instanceof JsonArray list) {
      return list.stream().map(String::valueOf).toList();
    }
    return to == null ? List.of() : List.of(String.valueOf(to).split("\\s*,\\s*"));
  }

  /**
   * Error texts may quote a URL (a robot's token is in it) or echo a password: those are masked.
   */
  static String scrub(String text, ChannelType type, JsonObject config) {
    String out = text;
    for (String key : type.secrets) {
      String value = config.getString(key, "");
      if (value.length() >= 4) {
        out = out.replace(value, io.cdcconsole.config.Secret.MASK);
      }
    }
    return out;
  }
}
