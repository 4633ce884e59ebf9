package io.cdcconsole.cluster;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which parts of a cluster definition are secrets, so they are stored encrypted and answered
 * masked.
 */
final class ClusterSecrets {
  private static final Pattern SENSITIVE_HEADER =
      Pattern.compile(".*(auth|token|secret|key|cookie|password|credential|session).*");

  private ClusterSecrets() {}

  static boolean isSensitiveHeader(String name) {
    return SENSITIVE_HEADER.matcher(name.toLowerCase(Locale.ROOT)).matches();
  }
}
