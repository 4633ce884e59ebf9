package io.cdcconsole.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.test.ConsoleTest;
import io.cdcconsole.test.Http;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Parallel wrong passwords (security review H2): each attempt is reserved before its password is
 * checked, so at most the policy's number of guesses are ever checked, however many arrive at once;
 * the others are refused with 429.
 */
@ConsoleTest.Env({
  "CDC_CONSOLE_LOCKOUT_MAX_FAILURES=5",
  "CDC_CONSOLE_LOCKOUT_MAX_FAILURES_PER_ADDRESS=20"
})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoginRaceTest extends ConsoleTest {
  private static final int PARALLEL = 60;

  @Test
  @Order(1)
  void parallelGuessesForOneUserAreCheckedAtMostMaxFailuresTimes() throws Exception {
    console.userToken("raced", "viewer");
    Map<Integer, Long> statuses =
        parallel(i -> new JsonObject().put("username", "raced").put("password", "race-guess-" + i));
    assertTrue(statuses.keySet().stream().allMatch(s -> s == 401 || s == 429), statuses.toString());
    long checked = statuses.getOrDefault(401, 0L);
    assertTrue(checked <= 5, "at most 5 guesses checked: " + statuses);
    // guesses refused because the server was busy do not count: one at a time, exactly the rest get
    // checked
    int more = 0;
    for (Http.Response r;
        (r =
                    http.post(
                        "/api/v1/auth/login",
                        null,
                        new JsonObject()
                            .put("username", "raced")
                            .put("password", "late-guess-" + more)))
                .status()
            == 401; ) {
      more++;
      assertTrue(checked + more <= 5, "only 5 guesses in all: " + statuses + " then " + more);
    }
    assertEquals(5, checked + more, statuses + " then " + more);
    // and the account is locked now: even the right password is refused
    Http.Response right =
        http.post(
            "/api/v1/auth/login",
            null,
            new JsonObject().put("username", "raced").put("password", "raced-Pass-123"));
    assertEquals(429, right.status(), right.body());
    assertEquals(200, http.get("/health", null).status(), "the server stays up");
  }

  /** Last: it may lock the test's own address (127.0.0.1) for every user. */
  @Test
  @Order(2)
  void parallelGuessesFromOneAddressAreCheckedAtMostMaxFailuresPerAddressTimes() throws Exception {
    Map<Integer, Long> statuses =
        parallel(
            i ->
                new JsonObject().put("username", "nobody-" + i).put("password", "race-guess-" + i));
    assertTrue(statuses.keySet().stream().allMatch(s -> s == 401 || s == 429), statuses.toString());
    assertTrue(statuses.getOrDefault(401, 0L) <= 20, "at most 20 guesses checked: " + statuses);
    assertEquals(200, http.get("/health", null).status(), "the server stays up");
  }

  /** {@value #PARALLEL} sign-ins released at once; the count of each answer status. */
  private static Map<Integer, Long> parallel(IntFunction<JsonObject> body) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Integer>> answers = new ArrayList<>();
      for (int i = 0; i < PARALLEL; i++) {
        JsonObject b = body.apply(i);
        answers.add(
            pool.submit(
                () -> {
                  go.await();
                  return http.post("/api/v1/auth/login", null, b).status();
                }));
      }
      go.countDown();
      List<Integer> out = new ArrayList<>();
      for (Future<Integer> a : answers) {
        out.add(a.get());
      }
      return out.stream().collect(Collectors.groupingBy(s -> s, Collectors.counting()));
    } finally {
      pool.shutdownNow();
    }
  }
}
