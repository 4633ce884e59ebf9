import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ClusterStatus, PipelineState } from '../api/types';

// Tones, not meaning: the state is always written out. Plain spans styled like antd's preset tags, because a list
// page shows dozens of badges and each antd Tag/Tooltip instance costs a theme-token lookup per render.
const RUN_TONES: Record<string, string> = {
  RUNNING: 'green',
  FINISHED: 'blue',
  FAILED: 'red',
  FAILED_TO_SUBMIT: 'red',
  FAILING: 'red',
  LOST: 'volcano',
  RESTARTING: 'orange',
  STOPPED: 'default',
  CANCELED: 'default',
  NONE: 'default',
};

/** A run state as words (colour only adds to the text); a stale state says so, with the reason as its title. */
export function StateBadge({ state, stale }: { state: PipelineState | null | undefined; stale?: boolean }) {
  const { t } = useTranslation();
  const s = state ?? 'NONE';
  return (
    <span className="state-badge" data-testid="state-badge" data-state={s}>
      <span className={`tone tone-${RUN_TONES[s] ?? 'processing'}`}>{t(`states.${s}`)}</span>
      {stale ? (
        <span className="tone tone-warning" title={t('states.staleHint')} data-testid="stale-badge">
          {t('states.stale')}
        </span>
      ) : null}
    </span>
  );
}

const CLUSTER_COLORS: Record<ClusterStatus, string> = {
  HEALTHY: 'green',
  DEGRADED: 'orange',
  UNREACHABLE: 'red',
  UNKNOWN: 'default',
};

export function ClusterStatusBadge({ status }: { status: ClusterStatus | undefined }) {
  const { t } = useTranslation();
  const s = status ?? 'UNKNOWN';
  return (
    <Tag color={CLUSTER_COLORS[s]} data-testid="cluster-status" data-status={s}>
      {t(`clusterStatus.${s}`)}
    </Tag>
  );
}
