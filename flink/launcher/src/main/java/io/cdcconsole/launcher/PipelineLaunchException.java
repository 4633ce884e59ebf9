package io.cdcconsole.launcher;

/**
 * The launcher's own error: its message names the problem and never contains the pipeline YAML, an
 * option value or the ticket URL's path.
 */
public class PipelineLaunchException extends Exception {

  private static final long serialVersionUID = 1L;

  public PipelineLaunchException(String message) {
    super(message);
  }

  public PipelineLaunchException(String message, Throwable cause) {
    super(message, cause);
  }
}
