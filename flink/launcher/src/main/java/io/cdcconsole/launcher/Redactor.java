package io.cdcconsole.launcher;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns an error of Flink CDC or a connector into the launcher's error, masking the values of
 * secret-looking options ({@link PipelineYaml#secretValues()}) wherever they appear in the messages
 * of the cause chain. Flink shows the whole chain (messages and stack traces) in the {@code errors}
 * of the {@code /jars/{id}/run} answer and in its log.
 */
final class Redactor {

  static final String MASK = "******";

  private final List<String> secrets;

  Redactor(Collection<String> secrets) {
    List<String> list = new ArrayList<>();
    for (String s : secrets) {
      if (s != null && !s.isEmpty()) {
        list.add(s);
      }
    }
    // longest first, so that a secret containing another one is masked whole
    list.sort(Comparator.comparingInt(String::length).reversed());
    this.secrets = List.copyOf(list);
  }

  /** {@code problem: <root cause message>}, with the (masked if needed) cause chain attached. */
  PipelineLaunchException wrap(String problem, Throwable cause) {
    if (cause == null) {
      return new PipelineLaunchException(problem);
    }
    return new PipelineLaunchException(
        problem + ": " + mask(describe(rootCause(cause))), masked(cause));
  }

  /** The launcher's own error, with secrets masked in its causes (its message never holds one). */
  PipelineLaunchException redact(PipelineLaunchException e) {
    if (!containsSecret(e)) {
      return e;
    }
    PipelineLaunchException copy =
        new PipelineLaunchException(mask(e.getMessage()), masked(e.getCause()));
    copy.setStackTrace(e.getStackTrace());
    return copy;
  }

  String mask(String text) {
    if (text == null) {
      return null;
    }
    String result = text;
    for (String secret : secrets) {
      result = result.replace(secret, MASK);
    }
    return result;
  }

  /**
   * The throwable itself when no message in its chain holds a secret, else a masked copy of the
   * chain.
   */
  Throwable masked(Throwable t) {
    if (t == null || !containsSecret(t)) {
      return t;
    }
    return copy(t, new IdentityHashMap<>());
  }

  private boolean containsSecret(Throwable t) {
    if (secrets.isEmpty()) {
      return false;
    }
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    for (Throwable c = t; c != null && seen.put(c, Boolean.TRUE) == null; c = c.getCause()) {
      String message = c.getMessage();
      String text = c.toString();
      for (String secret : secrets) {
        if ((message != null && message.contains(secret)) || text.contains(secret)) {
          return true;
        }
      }
      for (Throwable s : c.getSuppressed()) {
        if (containsSecret(s)) {
          return true;
        }
      }
    }
    return false;
  }

  private Throwable copy(Throwable t, Map<Throwable, Throwable> done) {
    Throwable existing = done.get(t);
    if (existing != null) {
      return existing;
    }
    MaskedException copy =
        new MaskedException(t.getClass().getName() + ": " + mask(t.getMessage()));
    done.put(t, copy);
    copy.setStackTrace(t.getStackTrace());
    if (t.getCause() != null && t.getCause() != t) {
      copy.initCause(copy(t.getCause(), done));
    }
    for (Throwable s : t.getSuppressed()) {
      copy.addSuppressed(copy(s, done));
    }
    return copy;
  }

  static Throwable rootCause(Throwable t) {
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    Throwable root = t;
    while (root.getCause() != null
        && root.getCause() != root
        && seen.put(root, Boolean.TRUE) == null) {
      root = root.getCause();
    }
    return root;
  }

  private static String describe(Throwable t) {
    String message = t.getMessage();
    if (message == null || message.isBlank()) {
      return t.getClass().getName();
    }
    return message;
  }

  /**
   * Stands in for an exception whose message held a secret; the message starts with the original
   * class name.
   */
  static final class MaskedException extends Exception {
    private static final long serialVersionUID = 1L;

    MaskedException(String message) {
      super(message);
    }
  }
}
