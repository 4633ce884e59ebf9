package io.cdcconsole.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.test.TestConsole;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code http.tls.certFile}/{@code keyFile} (security review L6): the console's port serves HTTPS
 * with the operator's PEM certificate, plain HTTP gets no answer there, HSTS is sent, and {@code
 * console.url} (by default) is https.
 */
class TlsTest {
  private static Vertx vertx;
  private static TestConsole console;
  private static HttpClient client;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    Path home = TestConsole.newHome();
    Path cert = home.resolve("console.crt");
    Path key = home.resolve("console.key");
    // a self-signed certificate for 127.0.0.1, made here as an operator would make one
    Process openssl =
        new ProcessBuilder(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                key.toString(),
                "-out",
                cert.toString(),
                "-days",
                "2",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1")
            .redirectErrorStream(true)
            .start();
    String out = new String(openssl.getInputStream().readAllBytes());
    assertTrue(openssl.waitFor(60, TimeUnit.SECONDS) && openssl.exitValue() == 0, out);

    Map<String, String> env = TestConsole.defaultEnv();
    env.put("CDC_CONSOLE_HTTP_TLS_CERT_FILE", cert.toString());
    env.put("CDC_CONSOLE_HTTP_TLS_KEY_FILE", key.toString());
    vertx = Vertx.vertx();
    console = TestConsole.start(vertx, env);
    port = console.app().port();

    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(cert)) {
      trust.setCertificateEntry(
          "console", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    client = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(10)).build();
  }

  @AfterAll
  static void stop() throws Exception {
    if (console != null) {
      console.close();
    }
    TestConsole.await(vertx.close());
  }

  private static HttpResponse<String> send(
      String method, String path, String token, JsonObject body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body.encode()));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void thePortServesHttpsWithTheConfiguredCertificate() throws Exception {
    HttpResponse<String> health = send("GET", "/health", null, null);
    assertEquals(200, health.statusCode(), health.body());
    assertEquals(
        "max-age=31536000", health.headers().firstValue("Strict-Transport-Security").orElse(null));

    HttpResponse<String> login =
        send(
            "POST",
            "/api/v1/auth/login",
            null,
            new JsonObject().put("username", "admin").put("password", TestConsole.ADMIN_PASSWORD));
    assertEquals(200, login.statusCode(), login.body());
    String admin = new JsonObject(login.body()).getString("token");

    // console.url is not set: the address the launcher and the DS snippets are given follows the
    // scheme
    long cluster =
        new JsonObject(
                send(
                        "POST",
                        "/api/v1/clusters",
                        admin,
                        new JsonObject()
                            .put("name", "c-tls")
                            .put("restUrl", "http://127.0.0.1:1")
                            .put(
                                "cdc",
                                new JsonObject().put("mode", "provided").put("version", "3.2.0")))
                    .body())
            .getLong("id");
    HttpResponse<String> created =
        send(
            "POST",
            "/api/v1/pipelines",
            admin,
            new JsonObject()
                .put("name", "p-tls")
                .put("clusterId", cluster)
                .put("yaml", "source:\n  type: values\nsink:\n  type: values\n"));
    assertEquals(201, created.statusCode(), created.body());
    HttpResponse<String> snippet =
        send("GET", "/api/v1/pipelines/p-tls/ds-snippet?version=3.3", admin, null);
    assertEquals(200, snippet.statusCode(), snippet.body());
    String url =
        new JsonObject(snippet.body())
            .getJsonObject("start")
            .getJsonObject("taskParams")
            .getString("url");
    assertTrue(url.startsWith("https://127.0.0.1:" + port + "/api/v1/ds/"), url);
  }

  @Test
  void plainHttpGetsNoAnswer() {
    HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    assertThrows(
        IOException.class,
        () ->
            plain.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                    .timeout(Duration.ofSeconds(30))
                    .build(),
                HttpResponse.BodyHandlers.ofString()));
  }
}
