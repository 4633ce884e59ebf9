package io.cdcconsole.launcher;

import java.net.URI;

/**
 * Entry class of the CDC Console launcher jar, run by a Flink cluster through {@code POST
 * /jars/{jarId}/run} with {@code entryClass=io.cdcconsole.launcher.PipelineLauncher}.
 *
 * <p>Argument contract: {@code args[0]} (the first element of {@code programArgsList}) is either
 *
 * <ul>
 *   <li>the Flink CDC pipeline YAML itself, or
 *   <li>an {@code http://} or {@code https://} URL of a single-use ticket: the launcher fetches it
 *       once with a plain GET (30 s timeout) and expects {@code 200} with the YAML as the body.
 * </ul>
 *
 * <p>Further arguments are ignored (reserved). The launcher flattens nested mappings under {@code
 * source}, {@code sink}, {@code pipeline} (and in {@code route}/{@code transform} entries) into
 * dotted keys, parses and composes the pipeline with the Flink CDC on the cluster's class path (one
 * adapter per API generation, {@link FlinkCdcApi}) in the environment of the run request (so the
 * request's {@code jobId}, {@code savepointPath}, {@code flinkConfiguration} apply), submits it,
 * and returns.
 *
 * <p>It never prints or logs the YAML or any option value: errors name the problem only, and values
 * of secret-looking options are masked in the messages of errors coming from Flink CDC or a
 * connector.
 */
public final class PipelineLauncher {

  private PipelineLauncher() {}

  public static void main(String[] args) throws Exception {
    if (args == null || args.length == 0 || args[0] == null || args[0].isBlank()) {
      throw new PipelineLaunchException(
          "Expected the pipeline YAML or a ticket URL as the first program argument");
    }
    TicketFetcher.Ticket pipeline = readTicket(args[0]);
    PipelineSubmitter.Submitted submitted = launch(pipeline.yaml(), pipeline.secrets());
    System.out.println(
        "CDC Console launcher: pipeline submitted as Flink job "
            + submitted.jobId()
            + " (Flink CDC API "
            + submitted.generation()
            + ")");
  }

  /** The YAML itself, or the body of the ticket when {@code arg} is an http(s) URL. */
  static String readPipeline(String arg) throws PipelineLaunchException {
    return readTicket(arg).yaml();
  }

  /**
   * As {@link #readPipeline}, with the secret values a ticket's answer names (none for inline
   * YAML).
   */
  static TicketFetcher.Ticket readTicket(String arg) throws PipelineLaunchException {
    if (TicketFetcher.isTicketUrl(arg)) {
      URI uri;
      try {
        uri = URI.create(arg.strip());
      } catch (IllegalArgumentException e) {
        throw new PipelineLaunchException("The pipeline ticket URL is not a valid URI");
      }
      return new TicketFetcher().fetchTicket(uri);
    }
    return new TicketFetcher.Ticket(arg, java.util.Set.of());
  }

  /** Flattens, parses, composes and submits the pipeline; returns the Flink job id. */
  static PipelineSubmitter.Submitted launch(String yaml) throws PipelineLaunchException {
    return launch(yaml, java.util.Set.of());
  }

  /**
   * {@code secrets}: values to mask besides those of secret-looking options (the console's full
   * set, L9).
   */
  static PipelineSubmitter.Submitted launch(String yaml, java.util.Collection<String> secrets)
      throws PipelineLaunchException {
    PipelineYaml pipeline = PipelineYaml.read(yaml);
    java.util.Set<String> all = new java.util.LinkedHashSet<>(pipeline.secretValues());
    all.addAll(secrets);
    Redactor redactor = new Redactor(all);
    try {
      return PipelineSubmitter.submit(pipeline.toText());
    } catch (PipelineSubmitter.StageException e) {
      throw redactor.wrap(e.stage.problem, e.getCause());
    } catch (PipelineLaunchException e) {
      throw redactor.redact(e);
    } catch (LinkageError e) {
      // the adapters could not be linked: no Flink CDC on the cluster's class path
      throw new PipelineLaunchException(
          "Flink CDC 3.x was not found on the cluster's class path"
              + " (the launcher expects Flink CDC in the cluster's lib/): "
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage());
    }
  }
}
