package io.cdcconsole.pipeline;

import java.util.Map;

/**
 * A pipeline definition as a caller sends it: the YAML may hold plaintext secrets, {@code ENC(...)}
 * values, the mask (keep what is stored) and {@code ${secret:NAME}} references. {@code cluster} is
 * a cluster id or name.
 */
public record PipelineSpec(
    String name,
    String description,
    String cluster,
    Map<String, String> labels,
    String yaml,
    String comment) {}
