package io.cdcconsole.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cdcconsole.error.TooManyRequests;
import io.cdcconsole.test.TestConsole;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

/** Password checks beyond the limit are refused at once instead of queueing for the CPU. */
class PasswordHasherGateTest {
  @Test
  void aCheckBeyondTheLimitIsRefusedWhileTheOthersRun() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      PasswordHasher hasher = new PasswordHasher(vertx, 10, 1);
      String hash = TestConsole.await(hasher.hash("right-password"));
      Future<Boolean> first = hasher.verify("right-password", hash);
      boolean firstDone = first.isComplete();
      Future<Boolean> second = hasher.verify("right-password", hash);
      // while the first check runs, its permit is taken: the second is refused without being queued
      assertTrue(
          firstDone || (second.failed() && second.cause() instanceof TooManyRequests),
          "second: " + second.cause());
      assertTrue(TestConsole.await(first));
      // the permit comes back when a check ends
      assertEquals(true, TestConsole.await(hasher.verify("right-password", hash)));
    } finally {
      TestConsole.await(vertx.close());
    }
  }
}
