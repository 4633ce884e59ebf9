package io.cdcconsole.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.Http;
import io.cdcconsole.test.LogCapture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Each channel's test message as its receiver gets it: the body and the signature in the vendor's
 * documented form (recomputed here from the secret), checked by a stand-in receiver; email through
 * GreenMail. Secrets are write-only: never in answers, logs or the audit.
 */
class AlertChannelsTest extends ConsoleTest {
  @RegisterExtension
  static final GreenMailExtension MAIL =
      new GreenMailExtension(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort());

  private static final String WEBHOOK_SECRET = "whsec-9f8e7d6c";
  private static final String DING_SECRET = "SEC0123456789abcdef";
  private static final String FEISHU_SECRET = "feishu-sign-secret-42";
  private static final String WECOM_KEY = "693a91f6-7aaa-4bc4-97a0-0ec2sifa5aaa";
  private static final String SMTP_PASSWORD = "smtp-Pass-777";
  @RegisterExtension static final Receiver receiver = new Receiver();

  private static void create(String name, String type, JsonObject config) {
    Http.Response r =
        http.post(
            "/api/v1/alert-channels",
            admin,
            new JsonObject().put("name", name).put("type", type).put("config", config));
    assertEquals(201, r.status(), r.body());
  }

  private static JsonObject test(String name) {
    Http.Response r =
        http.post("/api/v1/alert-channels/" + name + "/test", admin, new JsonObject());
    assertEquals(200, r.status(), r.body());
    return r.json();
  }

  @Test
  void aWebhookGetsTheAlertAsJsonSignedWithTheTimestamp() throws Exception {
    create(
        "hook",
        "webhook",
        new JsonObject().put("url", receiver.url("/hook")).put("secret", WEBHOOK_SECRET));
    JsonObject answer = test("hook");
    assertTrue(answer.getBoolean("delivered"), answer.encode());
    Receiver.Request req = receiver.to("/hook").get(0);
    JsonObject body = new JsonObject(req.body());
    assertEquals("TEST", body.getString("event"));
    assertTrue(body.getString("summary").contains("admin"), body.encode());
    String ts = req.headers().get("X-CDC-Timestamp");
    assertTrue(Math.abs(Long.parseLong(ts) - System.currentTimeMillis() / 1000) < 300, ts);
    assertTrue(Receiver.signedWith(req, WEBHOOK_SECRET), req.headers().get("X-CDC-Signature"));
    assertEquals("application/json", req.headers().get("Content-Type"));
  }

  @Test
  void dingTalkGetsMarkdownAndTheSignInTheQuery() throws Exception {
    create(
        "ding",
        "dingtalk",
        new JsonObject()
            .put("url", receiver.url("/dingtalk/robot/send?access_token=tok-ding"))
            .put("secret", DING_SECRET));
    assertTrue(test("ding").getBoolean("delivered"));
    Receiver.Request req = receiver.to("/dingtalk/robot/send").get(0);
    assertEquals("tok-ding", req.params().get("access_token"));
    String ts = req.params().get("timestamp"); // milliseconds
    assertTrue(Math.abs(Long.parseLong(ts) - System.currentTimeMillis()) < 300_000, ts);
    // the receiver's params are URL-decoded once: what DingTalk compares is base64(HMAC(secret, ts
    // \n secret))
    String expected =
        Base64.getEncoder()
            .encodeToString(
                Receiver.hmac(
                    DING_SECRET.getBytes(StandardCharsets.UTF_8), ts + "\n" + DING_SECRET));
    assertEquals(expected, req.params().get("sign"));
    JsonObject body = new JsonObject(req.body());
    assertEquals("markdown", body.getString("msgtype"));
    assertTrue(body.getJsonObject("markdown").getString("title").contains("TEST"));
    assertTrue(body.getJsonObject("markdown").getString("text").startsWith("### "));
  }

  @Test
  void feishuGetsTheSignInTheBody() throws Exception {
    create(
        "lark",
        "feishu",
        new JsonObject()
            .put("url", receiver.url("/feishu/open-apis/bot/v2/hook/tok-lark"))
            .put("secret", FEISHU_SECRET));
    assertTrue(test("lark").getBoolean("delivered"));
    JsonObject body =
        new JsonObject(receiver.to("/feishu/open-apis/bot/v2/hook/tok-lark").get(0).body());
    String ts = body.getString("timestamp"); // seconds, as a string
    assertTrue(Math.abs(Long.parseLong(ts) - System.currentTimeMillis() / 1000) < 300, ts);
    // Feishu: the key is timestamp \n secret, the signed message is empty
    assertEquals(
        Base64.getEncoder()
            .encodeToString(
                Receiver.hmac((ts + "\n" + FEISHU_SECRET).getBytes(StandardCharsets.UTF_8), "")),
        body.getString("sign"));
    assertEquals("text", body.getString("msg_type"));
    assertTrue(body.getJsonObject("content").getString("text").contains("TEST"));
  }

  @Test
  void weComGetsMarkdownWithItsKeyInTheUrl() {
    create(
        "wecom",
        "wecom",
        new JsonObject().put("url", receiver.url("/wecom/cgi-bin/webhook/send?key=" + WECOM_KEY)));
    assertTrue(test("wecom").getBoolean("delivered"));
    Receiver.Request req = receiver.to("/wecom/cgi-bin/webhook/send").get(0);
    assertEquals(WECOM_KEY, req.params().get("key"));
    JsonObject body = new JsonObject(req.body());
    assertEquals("markdown", body.getString("msgtype"));
    assertTrue(body.getJsonObject("markdown").getString("content").contains("TEST"));
  }

  @Test
  void anEmailArrivesOverSmtp() throws Exception {
    MAIL.setUser("alerts@example.com", "alerts", SMTP_PASSWORD);
    create(
        "mail",
        "email",
        new JsonObject()
            .put("host", "127.0.0.1")
            .put("port", MAIL.getSmtp().getPort())
            .put("starttls", "DISABLED")
            .put("username", "alerts")
            .put("password", SMTP_PASSWORD)
            .put("from", "alerts@example.com")
            .put("to", new JsonArray().add("oncall@example.com").add("dba@example.com")));
    JsonObject answer = test("mail");
    assertTrue(answer.getBoolean("delivered"), answer.encode());
    MimeMessage[] received = MAIL.getReceivedMessages();
    assertEquals(2, received.length, "one copy per recipient");
    assertTrue(received[0].getSubject().startsWith("[TEST]"), received[0].getSubject());
    assertEquals("alerts@example.com", received[0].getFrom()[0].toString());
  }

  @Test
  void secretsAreWriteOnlyAndViewersSeeNamesOnly() throws Exception {
    try (LogCapture logs = LogCapture.attach()) {
      create(
          "secret-hook",
          "webhook",
          new JsonObject().put("url", receiver.url("/kept")).put("secret", "whsec-kept-1"));
      create(
          "secret-ding",
          "dingtalk",
          new JsonObject()
              .put("url", receiver.url("/dingtalk/x?access_token=tok-hidden"))
              .put("secret", "SEC-hidden-2"));
      // the mask (or leaving it out) keeps the stored secret
      Http.Response kept =
          http.put(
              "/api/v1/alert-channels/secret-hook",
              admin,
              new JsonObject()
                  .put(
                      "config",
                      new JsonObject().put("url", receiver.url("/kept2")).put("secret", "******")),
              http.etag("/api/v1/alert-channels/secret-hook", admin));
      assertEquals(200, kept.status(), kept.body());
      test("secret-hook");
      Receiver.Request req = receiver.to("/kept2").get(0);
      assertEquals(
          "sha256="
              + HexFormat.of()
                  .formatHex(
                      Receiver.hmac(
                          "whsec-kept-1".getBytes(StandardCharsets.UTF_8),
                          req.headers().get("X-CDC-Timestamp") + "." + req.body())),
          req.headers().get("X-CDC-Signature"));

      String all = http.get("/api/v1/alert-channels?limit=500", admin).body();
      for (String secret : List.of("whsec-kept-1", "SEC-hidden-2", "tok-hidden")) {
        assertFalse(all.contains(secret), secret + " answered: " + all);
      }
      String viewer = console.userToken("watcher", "viewer");
      JsonObject seen = http.get("/api/v1/alert-channels", viewer).json();
      JsonObject one = seen.getJsonArray("items").getJsonObject(0);
      assertNull(
          one.getValue("config"), "viewers see which channels there are, not where they point");
      assertEquals(
          403,
          http.post(
                  "/api/v1/alert-channels",
                  viewer,
                  new JsonObject()
                      .put("name", "x")
                      .put("type", "wecom")
                      .put("config", new JsonObject().put("url", "http://127.0.0.1:1")))
              .status());

      // a refused send is answered scrubbed of the robot's token
      receiver.failNext("/dingtalk/x", 1);
      JsonObject refused = test("secret-ding");
      assertFalse(refused.getBoolean("delivered"));
      assertFalse(refused.encode().contains("tok-hidden"), refused.encode());

      String audit = http.get("/api/v1/audit?limit=500", admin).body();
      for (String secret : List.of("whsec-kept-1", "SEC-hidden-2", "tok-hidden")) {
        assertFalse(audit.contains(secret), secret + " in the audit");
        assertFalse(logs.text().contains(secret), secret + " in the log");
      }
    }
  }

  @Test
  void changesAndDeletesTakeTheVersionRead() {
    create("versioned-hook", "webhook", new JsonObject().put("url", receiver.url("/v")));
    String path = "/api/v1/alert-channels/versioned-hook";
    Http.Response read = http.get(path, admin);
    assertEquals("\"1\"", read.header("ETag"));
    assertEquals(1, read.json().getInteger("version"));
    String viewer = console.userToken("v-watcher", "viewer");
    Http.Response seen = http.get(path, viewer);
    assertEquals(200, seen.status(), seen.body());
    assertNull(seen.json().getValue("config"), "a viewer reads one channel as in the list");
    assertEquals(404, http.get("/api/v1/alert-channels/no-such-hook", admin).status());

    JsonObject change =
        new JsonObject()
            .put("config", new JsonObject().put("url", receiver.url("/v2")))
            .put("description", "moved");
    Http.Response missing = http.put(path, admin, change);
    assertEquals(428, missing.status(), missing.body());
    assertEquals("application/problem+json", missing.contentType());
    assertTrue(missing.json().getString("detail").contains("an alert channel"), missing.body());
    assertEquals(400, http.put(path, admin, change, "\"one\"").status());
    Http.Response changed = http.put(path, admin, change, "\"1\"");
    assertEquals(200, changed.status(), changed.body());
    assertEquals("\"2\"", changed.header("ETag"), "every change moves the version on");
    assertEquals(2, changed.json().getInteger("version"));
    Http.Response stale = http.put(path, admin, change.copy().put("description", "lost"), "\"1\"");
    assertEquals(412, stale.status(), stale.body());
    assertEquals(2, stale.json().getInteger("currentVersion"));
    assertEquals("moved", http.get(path, admin).json().getString("description"));

    // in use: the version is checked first, then the rules that send to it
    Http.Response rule =
        http.post(
            "/api/v1/alert-rules",
            admin,
            new JsonObject()
                .put("name", "uses-versioned-hook")
                .put("kind", "RUN_STATE")
                .put("values", new JsonArray().add("FAILED"))
                .put("channels", new JsonArray().add("versioned-hook")));
    assertEquals(201, rule.status(), rule.body());
    assertEquals(428, http.delete(path, admin).status());
    assertEquals(412, http.delete(path, admin, "\"1\"").status());
    assertEquals(409, http.delete(path, admin, "\"2\"").status());
    String rulePath = "/api/v1/alert-rules/" + rule.json().getLong("id");
    assertEquals(204, http.delete(rulePath, admin, http.etag(rulePath, admin)).status());
    assertEquals(204, http.delete(path, admin, "\"2\"").status());
    assertEquals(404, http.delete(path, admin, "\"2\"").status());
  }

  @Test
  void badChannelsAre400() {
    for (JsonObject bad :
        List.of(
            new JsonObject().put("name", "b1").put("type", "pager").put("config", new JsonObject()),
            new JsonObject()
                .put("name", "b2")
                .put("type", "webhook")
                .put("config", new JsonObject().put("url", "ftp://x")),
            new JsonObject()
                .put("name", "b3")
                .put("type", "webhook")
                .put("config", new JsonObject().put("url", "http://u:p@127.0.0.1/")),
            new JsonObject()
                .put("name", "b4")
                .put("type", "email")
                .put(
                    "config",
                    new JsonObject()
                        .put("host", "h")
                        .put("port", 25)
                        .put("from", "a@b")
                        .put("to", "not-an-address")),
            new JsonObject()
                .put("name", "b5")
                .put("type", "wecom")
                .put(
                    "config",
                    new JsonObject().put("url", "http://127.0.0.1/").put("colour", "red")))) {
      Http.Response r = http.post("/api/v1/alert-channels", admin, bad);
      assertEquals(400, r.status(), bad.encode() + " → " + r.body());
      assertEquals("application/problem+json", r.contentType());
    }
  }

  @Test
  void aSecondChannelOfTheSameNameIsAConflict() throws Exception {
    JsonObject config = new JsonObject().put("url", receiver.url("/dup"));
    create("dup-name", "webhook", config);
    Http.Response again =
        http.post(
            "/api/v1/alert-channels",
            admin,
            new JsonObject().put("name", "dup-name").put("type", "webhook").put("config", config));
    assertEquals(409, again.status(), again.body());
    assertTrue(again.contentType().startsWith("application/problem+json"), again.contentType());
    assertTrue(again.body().contains("exists already"), again.body());
  }
}
