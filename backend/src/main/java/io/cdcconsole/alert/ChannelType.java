package io.cdcconsole.alert;

import java.util.List;

/**
 * The kinds of alert channel, with which of their settings are secrets (encrypted at rest, never
 * answered).
 */
public enum ChannelType {
  /** Any HTTP endpoint: the alert as JSON, signed with HMAC-SHA256 when a secret is set. */
  WEBHOOK("webhook", List.of("url"), List.of("secret")),
  /**
   * DingTalk custom robot: the webhook URL holds the access token; "sign" security with the SEC...
   * secret.
   */
  DINGTALK("dingtalk", List.of(), List.of("url", "secret")),
  /**
   * Feishu / Lark custom bot: the hook URL holds its token; signature verification with the secret.
   */
  FEISHU("feishu", List.of(), List.of("url", "secret")),
  /** WeCom group robot: the webhook URL holds the key. */
  WECOM("wecom", List.of(), List.of("url")),
  /** Email over SMTP. */
  EMAIL("email", List.of("host", "port", "from", "to"), List.of("password"));

  final String json;

  /** Plain settings that must be present. */
  final List<String> required;

  final List<String> secrets;

  ChannelType(String json, List<String> required, List<String> secrets) {
    this.json = json;
    this.required = required;
    this.secrets = secrets;
  }

  static ChannelType of(String json) {
    for (ChannelType t : values()) {
      if (t.json.equals(json)) {
        return t;
      }
    }
    return null;
  }
}
