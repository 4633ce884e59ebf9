package io.cdcconsole.run;

import java.time.Instant;

/**
 * Who works on a run's submission or operation, as stored: the console process ({@link
 * io.cdcconsole.lifecycle.Replica}), until when its lease runs, and the fencing value its claim
 * got. A claim whose lease ran out is nobody's: any console's reconciler may take it (and bumps the
 * fencing value, so the former holder's writes are refused from then on).
 */
record Claim(String holder, Instant leaseUntil, long fencing) {
  static final Claim NONE = new Claim(null, null, 0);

  /** Someone holds it and its lease has not run out at {@code now}. */
  boolean live(Instant now) {
    return holder != null && leaseUntil != null && leaseUntil.isAfter(now);
  }

  /** What guards the holder's writes. */
  Fence fence() {
    return new Fence(holder, fencing);
  }

  /** A holder's right to write: its id and the fencing value of its claim. */
  record Fence(String holder, long fencing) {}
}
