import { useTranslation } from 'react-i18next';
import type { HealthStatus } from '../api/types';

// Tones only add to the words, as in StateBadge.
const TONES: Record<HealthStatus, string> = {
  HEALTHY: 'green',
  LAGGING: 'orange',
  STALLED: 'red',
  CHECKPOINT_FAILING: 'red',
  FLAPPING: 'volcano',
  SNAPSHOTTING: 'blue',
  UNKNOWN: 'default',
};

/** A run's health verdict as words, the reason as its title. */
export function HealthBadge({ status, reason }: { status: HealthStatus | null | undefined; reason?: string | null }) {
  const { t } = useTranslation();
  if (!status) return null;
  return (
    <span className="state-badge" data-testid="health-badge" data-health={status} title={reason ?? undefined}>
      <span className={`tone tone-${TONES[status] ?? 'default'}`}>{t(`health.status.${status}`)}</span>
    </span>
  );
}
