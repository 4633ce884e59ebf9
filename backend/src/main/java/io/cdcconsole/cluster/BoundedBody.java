package io.cdcconsole.cluster;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import io.vertx.ext.web.codec.BodyCodec;
import io.vertx.ext.web.codec.spi.BodyStream;
import java.util.function.Supplier;

/**
 * A web-client body codec that buffers at most {@code maxBytes}: past that the call fails with
 * {@code tooLarge} and the rest is dropped unread, so a peer cannot make the console hold an answer
 * of any size in memory.
 */
final class BoundedBody implements BodyStream<Buffer> {
  private final int maxBytes;
  private final Supplier<? extends RuntimeException> tooLarge;
  private final Promise<Buffer> result = Promise.promise();
  private Buffer body = Buffer.buffer();

  private BoundedBody(int maxBytes, Supplier<? extends RuntimeException> tooLarge) {
    this.maxBytes = maxBytes;
    this.tooLarge = tooLarge;
  }

  static BodyCodec<Buffer> codec(int maxBytes, Supplier<? extends RuntimeException> tooLarge) {
    return () -> new BoundedBody(maxBytes, tooLarge);
  }

  @Override
  public Future<Buffer> result() {
    return result.future();
  }

  @Override
  public void handle(Throwable failure) {
    result.tryFail(failure);
  }

  @Override
  public Future<Void> write(Buffer data) {
    if (body == null) {
      return Future.succeededFuture();
    }
    if (body.length() + data.length() > maxBytes) {
      body = null;
      RuntimeException error = tooLarge.get();
      result.tryFail(error);
      return Future.failedFuture(error);
    }
    body.appendBuffer(data);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> end() {
    if (body != null) {
      result.tryComplete(body);
    }
    return Future.succeededFuture();
  }

  @Override
  public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    return this;
  }

  @Override
  public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
    return this;
  }

  @Override
  public boolean writeQueueFull() {
    return false;
  }

  @Override
  public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
    return this;
  }
}
