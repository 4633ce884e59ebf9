package io.cdcconsole.config;

/**
 * A configuration problem that stops the start; its message is the one line shown to the operator.
 */
public final class ConfigException extends Exception {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
