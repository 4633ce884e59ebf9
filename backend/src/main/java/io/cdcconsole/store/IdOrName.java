package io.cdcconsole.store;

import io.vertx.core.Future;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The one rule for resources addressable by id or by their unique name (clusters, pipelines, DS
 * connections): a reference made of digits only is an id, anything else a name. Names that are all
 * digits are refused when a resource is created or renamed ({@code validation.Names#resourceName}),
 * so the rule never hides a resource.
 */
public final class IdOrName {
  private static final Pattern ID = Pattern.compile("\\d{1,18}");

  private IdOrName() {}

  public static boolean isId(String ref) {
    return ref != null && ID.matcher(ref).matches();
  }

  /** Finds by id or by name; fails with {@code notFound} when there is no such resource. */
  public static <T> Future<T> find(
      String ref,
      LongFunction<Future<Optional<T>>> byId,
      Function<String, Future<Optional<T>>> byName,
      Supplier<? extends RuntimeException> notFound) {
    if (ref == null || ref.isEmpty()) {
      return Future.failedFuture(notFound.get());
    }
    Future<Optional<T>> found = isId(ref) ? byId.apply(Long.parseLong(ref)) : byName.apply(ref);
    return found.compose(
        o -> o.map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(notFound.get())));
  }
}
