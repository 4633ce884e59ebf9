import { Alert, Collapse, Descriptions, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { Pipeline } from '../../api/types';
import { useFormat } from '../../components/format';
import { StateBadge } from '../../components/StateBadge';
import { useClusters } from '../../queries/clusters';
import { useLedger, useRun } from '../../queries/runs';

export function checkpointText(
  cp: Record<string, unknown> | null | undefined,
  fmt: (iso: string) => string,
): string | null {
  if (!cp) return null;
  const at = cp.at ?? cp.completedAt ?? cp.latestAckTimestamp ?? cp.time;
  const id = cp.id ?? cp.checkpointId;
  const when = typeof at === 'number' ? fmt(new Date(at).toISOString()) : typeof at === 'string' ? fmt(at) : null;
  const path = cp.path ?? cp.externalPath ?? cp.location;
  return (
    [id !== undefined ? `#${String(id)}` : null, when, typeof path === 'string' ? path : null]
      .filter(Boolean)
      .join(' · ') || JSON.stringify(cp)
  );
}

export function PipelineOverviewTab({ pipeline }: { pipeline: Pipeline }) {
  const { t } = useTranslation();
  const f = useFormat();
  const run = useRun(pipeline.currentRun?.id);
  const ledger = useLedger(pipeline.id);
  const clusters = useClusters();
  const cluster = clusters.data?.items.find((c) => c.id === pipeline.clusterId);
  const r = run.data;

  return (
    <div data-testid="pipeline-overview">
      <Descriptions bordered size="small" column={{ xs: 1, md: 2 }}>
        <Descriptions.Item label={t('common.cluster')}>
          {cluster ? <Link to={`/clusters/${cluster.id}`}>{cluster.name}</Link> : pipeline.clusterId}
        </Descriptions.Item>
        <Descriptions.Item label={t('common.version')}>{pipeline.version}</Descriptions.Item>
        <Descriptions.Item label={t('common.labels')}>
          {Object.entries(pipeline.labels ?? {}).map(([k, v]) => (
            <Tag key={k}>{`${k}=${v}`}</Tag>
          ))}
        </Descriptions.Item>
        <Descriptions.Item label={t('common.owner')}>{pipeline.owner ?? '—'}</Descriptions.Item>
        {pipeline.description ? (
          <Descriptions.Item label={t('common.description')} span={2}>
            {pipeline.description}
          </Descriptions.Item>
        ) : null}
        <Descriptions.Item label={t('pipeline.restorePoint')} span={2}>
          {ledger.data?.restorePoint ? (
            <code data-testid="restore-point">{ledger.data.restorePoint}</code>
          ) : (
            t('pipeline.noRestorePoint')
          )}
        </Descriptions.Item>
      </Descriptions>
      <Typography.Title level={4} className="section-title">
        {t('pipeline.currentRun')}
      </Typography.Title>
      {!pipeline.currentRun ? (
        <Typography.Text type="secondary">{t('pipeline.noRun')}</Typography.Text>
      ) : (
        <Descriptions bordered size="small" column={{ xs: 1, md: 2 }} data-testid="current-run">
          <Descriptions.Item label={t('runs.id')}>
            <Link to={`/runs/${pipeline.currentRun.id}`}>{t('pipeline.run', { id: pipeline.currentRun.id })}</Link>
          </Descriptions.Item>
          <Descriptions.Item label={t('common.state')}>
            <StateBadge state={pipeline.currentRun.state} stale={pipeline.currentRun.stale} />
          </Descriptions.Item>
          <Descriptions.Item label={t('pipeline.jobId')}>
            <code>{r?.jobId ?? pipeline.currentRun.jobId ?? '—'}</code>
          </Descriptions.Item>
          <Descriptions.Item label={t('cluster.flinkUi')}>
            {r?.flinkUiUrl ? (
              <a href={r.flinkUiUrl} target="_blank" rel="noreferrer">
                {t('pipeline.flinkUi')}
              </a>
            ) : (
              '—'
            )}
          </Descriptions.Item>
          <Descriptions.Item label={t('pipeline.startedAt')}>
            {f.dateTime(r?.startedAt ?? pipeline.currentRun.startedAt)}
          </Descriptions.Item>
          <Descriptions.Item label={t('pipeline.restarts')}>{r?.restarts ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('pipeline.lastCheckpoint')} span={2}>
            {checkpointText(r?.lastCheckpoint, f.dateTime) ?? t('run.noCheckpoint')}
          </Descriptions.Item>
          {r?.operation && r.operation.status === 'IN_PROGRESS' ? (
            <Descriptions.Item label={t('pipeline.operation')} span={2}>
              {r.operation.kind}
            </Descriptions.Item>
          ) : null}
        </Descriptions>
      )}
      {r?.lastError ? (
        <Alert
          className="section-gap"
          type="error"
          showIcon
          title={t('pipeline.lastError')}
          description={
            <Collapse
              ghost
              size="small"
              items={[
                {
                  key: 'e',
                  label: <Typography.Text ellipsis>{r.lastError.split('\n')[0]}</Typography.Text>,
                  children: (
                    <pre className="error-text" data-testid="last-error">
                      {r.lastError}
                    </pre>
                  ),
                },
              ]}
            />
          }
        />
      ) : null}
    </div>
  );
}
