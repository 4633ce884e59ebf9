package io.cdcconsole.cluster;

import java.util.Map;

/**
 * A cluster definition as a caller sends it. Secret values (auth secret, sensitive headers) may be
 * plaintext, {@code ENC(...)}, or the mask, which keeps the stored value.
 */
public record ClusterSpec(
    String name,
    String restUrl,
    Cluster.Auth auth,
    Map<String, String> headers,
    Cluster.Tls tls,
    Map<String, String> labels,
    String description,
    Cluster.Cdc cdc) {}
