import { Tag, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ClusterStatus, PipelineState } from '../api/types';

const RUN_COLORS: Record<string, string> = {
  RUNNING: 'green',
  FINISHED: 'blue',
  STOPPED: 'default',
  CANCELED: 'default',
  NONE: 'default',
  FAILED: 'red',
  FAILED_TO_SUBMIT: 'red',
  LOST: 'volcano',
  FAILING: 'red',
  RESTARTING: 'orange',
};

/** A run state as words (colour only adds to the text); a stale state says so. */
export function StateBadge({ state, stale }: { state: PipelineState | null | undefined; stale?: boolean }) {
  const { t } = useTranslation();
  const s = state ?? 'NONE';
  return (
    <span className="state-badge" data-testid="state-badge" data-state={s}>
      <Tag color={RUN_COLORS[s] ?? 'processing'}>{t(`states.${s}`)}</Tag>
      {stale ? (
        <Tooltip title={t('states.staleHint')}>
          <Tag color="warning" data-testid="stale-badge">
            {t('states.stale')}
          </Tag>
        </Tooltip>
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
