package io.cdcconsole.alert;

import io.cdcconsole.test.TestConsole;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A stand-in for the chat robots and a webhook receiver on 127.0.0.1 (none of them runs here):
 * records every request and answers as the vendor does — DingTalk and WeCom {@code errcode 0},
 * Feishu {@code code 0}, a webhook 204 — or HTTP 500 for as many requests to a path as {@link
 * #failNext} says, after the delay {@link #delay} sets for a path. A test class registers it as a
 * static extension: it listens from before the class's own {@code @BeforeAll} to after its last
 * {@code @AfterAll}.
 */
final class Receiver implements BeforeAllCallback, AfterAllCallback {
  record Request(String path, MultiMap params, MultiMap headers, String body) {}

  final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
  private final Map<String, Long> delays = new ConcurrentHashMap<>();
  private Vertx vertx;
  private volatile int port;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    vertx = Vertx.vertx();
    HttpServer server =
        vertx
            .createHttpServer()
            .requestHandler(
                req ->
                    req.body()
                        .onSuccess(
                            body -> {
                              // recorded on arrival: a request sent twice counts twice at once
                              requests.add(
                                  new Request(
                                      req.path(),
                                      MultiMap.caseInsensitiveMultiMap().addAll(req.params()),
                                      MultiMap.caseInsensitiveMultiMap().addAll(req.headers()),
                                      body.toString()));
                              vertx.setTimer(
                                  Math.max(1, delays.getOrDefault(req.path(), 0L)),
                                  t -> answer(req));
                            }));
    port = TestConsole.await(server.listen(0, "127.0.0.1")).actualPort();
  }

  private void answer(HttpServerRequest req) {
    if (failures.getOrDefault(req.path(), new AtomicInteger()).getAndDecrement() > 0) {
      req.response().setStatusCode(500).end("busy");
    } else if (req.path().startsWith("/dingtalk") || req.path().startsWith("/wecom")) {
      req.response()
          .putHeader("Content-Type", "application/json")
          .end("{\"errcode\":0,\"errmsg\":\"ok\"}");
    } else if (req.path().startsWith("/feishu")) {
      req.response()
          .putHeader("Content-Type", "application/json")
          .end("{\"code\":0,\"msg\":\"success\",\"data\":{}}");
    } else {
      req.response().setStatusCode(204).end();
    }
  }

  String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  /** Answers requests to {@code path} only after {@code millis}. */
  void delay(String path, long millis) {
    delays.put(path, millis);
  }

  void failNext(String path, int times) {
    failures.put(path, new AtomicInteger(times));
  }

  List<Request> to(String path) {
    return requests.stream().filter(r -> r.path().equals(path)).toList();
  }

  /**
   * Whether a webhook request is signed as docs/alerts.md says: {@code X-CDC-Signature: sha256=<hex
   * HMAC-SHA256(secret, X-CDC-Timestamp + "." + body)>}, compared in constant time.
   */
  static boolean signedWith(Request req, String secret) throws Exception {
    String ts = req.headers().get("X-CDC-Timestamp");
    String signature = req.headers().get("X-CDC-Signature");
    if (ts == null || signature == null) {
      return false;
    }
    String expected =
        "sha256="
            + HexFormat.of()
                .formatHex(hmac(secret.getBytes(StandardCharsets.UTF_8), ts + "." + req.body()));
    return MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.UTF_8), signature.getBytes(StandardCharsets.UTF_8));
  }

  /** HMAC-SHA256 of {@code message} under {@code key}. */
  static byte[] hmac(byte[] key, String message) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    TestConsole.await(vertx.close());
  }
}
