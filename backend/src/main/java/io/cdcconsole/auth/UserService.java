package io.cdcconsole.auth;

import io.cdcconsole.access.Principal;
import io.cdcconsole.access.Role;
import io.cdcconsole.config.Secret;
import io.cdcconsole.error.Conflict;
import io.cdcconsole.error.NotFound;
import io.cdcconsole.error.TooManyRequests;
import io.cdcconsole.error.ValidationFailed;
import io.cdcconsole.store.Page;
import io.cdcconsole.store.PageRequest;
import io.cdcconsole.store.StorageException;
import io.vertx.core.Future;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Users: the first admin, administration by admins, and each user's own password. */
public final class UserService {
  private static final Logger LOG = LoggerFactory.getLogger(UserService.class);
  public static final int MAX_USERNAME = 64;
  private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
  public static final String FIRST_ADMIN = "admin";

  public record NewUser(String username, String password, Role role) {}

  public record Changes(
      Optional<Role> role, Optional<Boolean> disabled, Optional<String> password) {}

  private final UserStore store;
  private final PasswordHasher hasher;
  private final LoginThrottle throttle;
  private final PrincipalCache cache;

  public UserService(
      UserStore store, PasswordHasher hasher, LoginThrottle throttle, PrincipalCache cache) {
    this.cache = cache;
    this.store = store;
    this.hasher = hasher;
    this.throttle = throttle;
  }

  /**
   * On a console without users, creates {@code admin} with the configured password, or a random one
   * that is printed once: the only way in on a fresh install.
   */
  public Future<Void> createFirstAdmin(Optional<Secret> configured) {
    return store
        .count()
        .compose(
            count -> {
              if (count > 0) {
                return Future.succeededFuture();
              }
              String password =
                  configured.map(Secret::value).orElseGet(UserService::randomPassword);
              if (configured.isPresent()) {
                PasswordHasher.checkPolicy("CDC_CONSOLE_ADMIN_PASSWORD", password);
              }
              return hasher
                  .hash(password)
                  .compose(hash -> store.insert(FIRST_ADMIN, hash, Role.ADMIN))
                  .onSuccess(
                      user -> {
                        if (configured.isPresent()) {
                          LOG.info(
                              "Created the first user '{}' (admin) with the password from CDC_CONSOLE_ADMIN_PASSWORD.",
                              FIRST_ADMIN);
                        } else {
                          LOG.warn(
                              "Created the first user '{}' (admin) with the password: {}  -- it is shown only this once; "
                                  + "sign in and change it.",
                              FIRST_ADMIN,
                              password);
                        }
                      })
                  .recover(
                      err ->
                          err instanceof StorageException.DuplicateKey
                              ? Future.succeededFuture()
                              : Future.failedFuture(err))
                  .mapEmpty();
            });
  }

  public Future<User> create(NewUser request) {
    if (request.username() == null || !USERNAME.matcher(request.username()).matches()) {
      return Future.failedFuture(
          ValidationFailed.of(
              "username",
              "must be 1 to 64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit"));
    }
    try {
      PasswordHasher.checkPolicy("password", request.password());
    } catch (ValidationFailed e) {
      return Future.failedFuture(e);
    }
    return hasher
        .hash(request.password())
        .compose(hash -> store.insert(request.username(), hash, request.role()))
        .recover(
            err ->
                Future.failedFuture(
                    err instanceof StorageException.DuplicateKey
                        ? new Conflict("a user named '" + request.username() + "' exists already")
                        : err));
  }

  public Future<User> get(long id) {
    return store
        .findById(id)
        .compose(
            found ->
                found
                    .map(Future::succeededFuture)
                    .orElseGet(() -> Future.failedFuture(new NotFound("No user " + id + "."))));
  }

  public Future<Page<User>> list(PageRequest page) {
    return store.list(page);
  }

  /**
   * Role, disabled and password reset by an admin; the last enabled admin cannot be demoted or
   * disabled. A reset ends the user's sessions and revokes their API tokens: it is what an admin
   * does when the account may be compromised, and a token minted by the intruder must not survive
   * it (M4).
   */
  public Future<User> change(long id, Changes changes) {
    try {
      changes.password().ifPresent(p -> PasswordHasher.checkPolicy("password", p));
    } catch (ValidationFailed e) {
      return Future.failedFuture(e);
    }
    return get(id)
        .compose(
            user -> {
              boolean losesAdmin =
                  user.role() == Role.ADMIN
                      && !user.disabled()
                      && (changes.role().filter(r -> r != Role.ADMIN).isPresent()
                          || changes.disabled().orElse(false));
              Future<Void> guard =
                  !losesAdmin
                      ? Future.succeededFuture()
                      : store
                          .countOtherEnabledAdmins(id)
                          .compose(
                              others ->
                                  others > 0
                                      ? Future.succeededFuture()
                                      : Future.failedFuture(
                                          new Conflict(
                                              "'"
                                                  + user.username()
                                                  + "' is the last enabled admin; "
                                                  + "make another user admin first.")));
              return guard
                  .compose(
                      ok ->
                          changes.password().isPresent()
                              ? hasher.hash(changes.password().get()).map(Optional::of)
                              : Future.succeededFuture(Optional.<String>empty()))
                  .compose(hash -> store.update(id, changes.role(), changes.disabled(), hash, true))
                  .onSuccess(updated -> cache.userChanged(id))
                  .map(Optional::orElseThrow);
            });
  }

  /**
   * A user's own password change, which needs the current password and ends the user's other
   * sessions. A wrong current password counts as a failed sign-in of the user (and the address), so
   * it cannot be guessed here either.
   */
  public Future<User> changeOwnPassword(
      Principal caller, String clientAddress, String currentPassword, String newPassword) {
    try {
      PasswordHasher.checkPolicy("newPassword", newPassword);
    } catch (ValidationFailed e) {
      return Future.failedFuture(e);
    }
    return throttle
        .tryReserve(caller.username(), clientAddress)
        .compose(
            refused -> {
              if (refused.isPresent()) {
                long seconds = Math.max(1, refused.get().remaining().toSeconds());
                return Future.failedFuture(
                    new TooManyRequests(
                        "Too many wrong passwords for "
                            + refused.get().reason()
                            + "; try again in "
                            + seconds
                            + " seconds.",
                        seconds));
              }
              return currentPasswordChecked(caller, clientAddress, currentPassword, newPassword);
            })
        .compose(
            hash ->
                store.update(
                    caller.userId(), Optional.empty(), Optional.empty(), Optional.of(hash)))
        .onSuccess(updated -> cache.userChanged(caller.userId()))
        .map(Optional::orElseThrow);
  }

  /** The new password's hash once the current one is checked; the reservation ends before. */
  private Future<String> currentPasswordChecked(
      Principal caller, String clientAddress, String currentPassword, String newPassword) {
    return store
        .passwordHash(caller.userId())
        .compose(
            hash ->
                hash.isPresent() && currentPassword != null
                    ? hasher.verify(currentPassword, hash.get())
                    : Future.succeededFuture(false))
        .transform(
            checked -> {
              if (checked.failed()) {
                return throttle
                    .released(caller.username(), clientAddress)
                    .transform(r -> Future.failedFuture(checked.cause()));
              }
              if (!checked.result()) {
                return throttle
                    .failed(caller.username(), clientAddress)
                    .transform(
                        r ->
                            Future.failedFuture(
                                ValidationFailed.of(
                                    "currentPassword", "is not your current password")));
              }
              return throttle
                  .succeeded(caller.username(), clientAddress)
                  .compose(r -> hasher.hash(newPassword));
            });
  }

  /** Signs the user out everywhere: every session JWT of the user stops working at once. */
  public Future<Void> endSessions(long userId) {
    return store.endSessions(userId).onSuccess(done -> cache.userChanged(userId));
  }

  private static String randomPassword() {
    final String alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    SecureRandom random = new SecureRandom();
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }
}
