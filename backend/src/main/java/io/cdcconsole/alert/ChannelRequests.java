package io.cdcconsole.alert;

import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The HTTP request each chat/webhook channel takes, built from the channel's settings (secrets
 * decrypted) and the message at the time of sending (the robots refuse a signature older than an
 * hour, so it is never stored).
 */
final class ChannelRequests {
  static final String SIGNATURE_HEADER = "X-CDC-Signature";
  static final String TIMESTAMP_HEADER = "X-CDC-Timestamp";

  record Outbound(String url, Map<String, String> headers, String body) {}

  private ChannelRequests() {}

  static Outbound build(ChannelType type, JsonObject config, AlertMessage message, long nowMillis) {
    String secret = config.getString("secret", "");
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    return switch (type) {
      case WEBHOOK -> {
        String body = message.toJson().encode();
        String ts = Long.toString(nowMillis / 1000);
        headers.put(TIMESTAMP_HEADER, ts);
        if (!secret.isEmpty()) {
          // timestamp "." body: a receiver can refuse a replayed old message
          headers.put(
              SIGNATURE_HEADER,
              "sha256="
                  + HexFormat.of()
                      .formatHex(hmac(secret.getBytes(StandardCharsets.UTF_8), ts + "." + body)));
        }
        yield new Outbound(config.getString("url"), headers, body);
      }
      case DINGTALK -> {
        String url = config.getString("url");
        if (!secret.isEmpty()) {
          long ts = nowMillis; // DingTalk: milliseconds
          String sign =
              Base64.getEncoder()
                  .encodeToString(
                      hmac(secret.getBytes(StandardCharsets.UTF_8), ts + "\n" + secret));
          url +=
              (url.contains("?") ? "&" : "?")
                  + "timestamp="
                  + ts
                  + "&sign="
                  + URLEncoder.encode(sign, StandardCharsets.UTF_8);
        }
        JsonObject body =
            new JsonObject()
                .put("msgtype", "markdown")
                .put(
                    "markdown",
                    new JsonObject().put("title", message.title()).put("text", message.markdown()));
        yield new Outbound(url, headers, body.encode());
      }
      case FEISHU -> {
        JsonObject body = new JsonObject();
        if (!secret.isEmpty()) {
          long ts =
              nowMillis
                  / 1000; // Feishu: seconds; the key is timestamp "\n" secret, the message empty
          body.put("timestamp", Long.toString(ts))
              .put(
                  "sign",
                  Base64.getEncoder()
                      .encodeToString(
                          hmac((ts + "\n" + secret).getBytes(StandardCharsets.UTF_8), "")));
        }
        body.put("msg_type", "text").put("content", new JsonObject().put("text", message.text()));
        yield new Outbound(config.getString("url"), headers, body.encode());
      }
      case WECOM ->
          new Outbound(
              config.getString("url"),
              headers,
              new JsonObject()
                  .put("msgtype", "markdown")
                  .put("markdown", new JsonObject().put("content", message.markdown()))
                  .encode());
      case EMAIL -> throw new IllegalArgumentException("email is sent over SMTP");
    };
  }

  /**
   * Whether the receiver took the message: a 2xx, and for the robots their error code 0 in the body
   * (they answer HTTP 200 with a non-zero code when they refuse, e.g. a wrong signature).
   */
  static String refusal(ChannelType type, int status, String body) {
    if (status < 200 || status >= 300) {
      return "HTTP " + status + (body == null || body.isBlank() ? "" : ": " + abbreviate(body));
    }
    if (type == ChannelType.WEBHOOK) {
      return null;
    }
    JsonObject json;
    try {
      json = new JsonObject(body == null ? "{}" : body);
    } catch (RuntimeException e) {
      return "an answer that is not JSON: " + abbreviate(body);
    }
    Object code =
        type == ChannelType.FEISHU
            ? (json.containsKey("code") ? json.getValue("code") : json.getValue("StatusCode"))
            : json.getValue("errcode");
    return code instanceof Number n && n.intValue() == 0 ? null : "refused: " + abbreviate(body);
  }

  private static String abbreviate(String text) {
    return text.length() > 500 ? text.substring(0, 500) + "…" : text;
  }

  static byte[] hmac(byte[] key, String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
