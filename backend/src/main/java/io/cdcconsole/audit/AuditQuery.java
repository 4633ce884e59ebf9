package io.cdcconsole.audit;

import java.time.Instant;
import java.util.Optional;

/**
 * Filters for the audit trail; every one is optional. {@code action} matches exactly or, ending in
 * '*', as a prefix.
 */
public record AuditQuery(
    Optional<String> actor,
    Optional<String> action,
    Optional<String> resourceType,
    Optional<String> resourceId,
    Optional<String> outcome,
    Optional<Instant> since,
    Optional<Instant> until) {}
