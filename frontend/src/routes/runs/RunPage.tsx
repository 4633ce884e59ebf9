import { Alert, Descriptions, Spin, Table, Tag, Timeline, Typography } from 'antd';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { TERMINAL_STATES, type Savepoint } from '../../api/types';
import { ProblemAlert } from '../../components/errors';
import { useFormat } from '../../components/format';
import { PageLoading } from '../../components/Layout';
import { StateBadge } from '../../components/StateBadge';
import { HealthBadge } from '../../components/HealthBadge';
import { useRun, useRunMetrics } from '../../queries/runs';
import { checkpointText } from '../pipelines/PipelineOverviewTab';

// echarts is big: loaded with the chart, only when a run page shows one
const HealthChart = lazy(() => import('./HealthChart'));

export default function RunPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const { runId = '' } = useParams();
  const run = useRun(runId);
  const metrics = useRunMetrics(runId, run.data?.state === 'RUNNING');
  if (run.error) return <ProblemAlert error={run.error} onRetry={() => run.refetch()} />;
  if (!run.data) return <PageLoading />;
  const r = run.data;
  const transitions = [...(r.transitions ?? [])].sort((a, b) => a.at.localeCompare(b.at));
  const now = Date.now();

  return (
    <div className="page" data-testid="run-page">
      <div className="page-head">
        <Typography.Title level={2}>{t('run.title', { id: r.id, pipeline: r.pipeline })}</Typography.Title>
        <StateBadge state={r.state} stale={r.stale} />
      </div>
      <Descriptions bordered size="small" column={{ xs: 1, md: 2 }}>
        <Descriptions.Item label={t('run.pipeline')}>
          <Link to={`/pipelines/${r.pipelineId}/overview`}>{r.pipeline}</Link> (v{r.pipelineVersion})
        </Descriptions.Item>
        <Descriptions.Item label={t('pipeline.jobId')}>
          <code>{r.jobId ?? '—'}</code>
        </Descriptions.Item>
        <Descriptions.Item label={t('run.flinkState')}>{r.flinkState ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('cluster.flinkUi')}>
          {r.flinkUiUrl ? (
            <a href={r.flinkUiUrl} target="_blank" rel="noreferrer">
              {t('pipeline.flinkUi')}
            </a>
          ) : (
            '—'
          )}
        </Descriptions.Item>
        <Descriptions.Item label={t('run.createdBy')}>{r.createdBy ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('runs.fromSavepoint')}>{r.fromSavepoint ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('pipeline.startedAt')}>{f.dateTime(r.startedAt ?? r.createdAt)}</Descriptions.Item>
        <Descriptions.Item label={t('pipeline.endedAt')}>{f.dateTime(r.endedAt)}</Descriptions.Item>
        <Descriptions.Item label={t('pipeline.restarts')}>{r.restarts ?? 0}</Descriptions.Item>
        <Descriptions.Item label={t('run.checkpoint')}>
          {checkpointText(r.lastCheckpoint, f.dateTime) ?? t('run.noCheckpoint')}
        </Descriptions.Item>
        {r.health ? (
          <Descriptions.Item label={t('health.title')} span={2}>
            <div data-testid="run-health">
              <HealthBadge status={r.health.status} reason={r.health.reason} /> {r.health.reason}
              {' · '}
              {t('health.lag')}: {f.duration(r.health.lagMs)}
              <span className="muted"> · {t('health.measuredAt', { at: f.dateTime(r.health.at) })}</span>
              {r.health.metrics.notReported?.length ? (
                <div className="muted small">
                  {t('health.notReported', { names: r.health.metrics.notReported.join(', ') })}
                </div>
              ) : null}
            </div>
          </Descriptions.Item>
        ) : null}
        {r.flinkConfiguration && Object.keys(r.flinkConfiguration).length ? (
          <Descriptions.Item label={t('run.configuration')} span={2}>
            {Object.entries(r.flinkConfiguration).map(([k, v]) => (
              <div key={k}>
                <code>{k}</code> = <code>{v}</code>
              </div>
            ))}
          </Descriptions.Item>
        ) : null}
      </Descriptions>
      {r.lastError ? (
        <Alert
          className="section-gap"
          type="error"
          showIcon
          title={t('run.errors')}
          description={<pre className="error-text">{r.lastError}</pre>}
        />
      ) : null}
      {r.state === 'RUNNING' ? (
        <>
          <Typography.Title level={4} className="section-title">
            {t('health.chart')}
          </Typography.Title>
          {metrics.data?.items.length ? (
            <Suspense fallback={<Spin />}>
              <HealthChart points={metrics.data.items} />
            </Suspense>
          ) : (
            <Typography.Paragraph className="muted">{t('health.noPoints')}</Typography.Paragraph>
          )}
        </>
      ) : null}
      <Typography.Title level={4} className="section-title">
        {t('run.timeline')}
      </Typography.Title>
      <Timeline
        data-testid="timeline"
        items={transitions.map((tr, i) => {
          const next = transitions[i + 1]?.at;
          // The last state of an ended run has no duration to speak of.
          const last = !next && TERMINAL_STATES.has(tr.to);
          const end = next ? Date.parse(next) : now;
          return {
            key: `${tr.at}-${i}`,
            content: (
              <div className="timeline-item" data-testid="transition">
                <StateBadge state={tr.to} /> <span className="muted">{f.dateTime(tr.at)}</span>{' '}
                <span>
                  {t('common.source')}: {tr.source ?? '—'}
                </span>{' '}
                {last ? null : (
                  <span className="muted">
                    {t('run.duration')}: {f.duration(end - Date.parse(tr.at))}
                  </span>
                )}
                {tr.detail ? (
                  <Typography.Paragraph className="muted small" ellipsis={{ rows: 2, expandable: true }}>
                    {tr.detail}
                  </Typography.Paragraph>
                ) : null}
              </div>
            ),
          };
        })}
      />
      <Typography.Title level={4} className="section-title">
        {t('run.savepoints')}
      </Typography.Title>
      <Table<Savepoint>
        size="small"
        rowKey="id"
        dataSource={r.savepoints ?? []}
        pagination={false}
        locale={{ emptyText: t('savepoints.empty') }}
        columns={[
          { title: t('common.time'), render: (_, s) => f.dateTime(s.createdAt) },
          { title: t('savepoints.kind'), render: (_, s) => s.kind },
          {
            title: t('savepoints.path'),
            render: (_, s) =>
              s.state === 'FAILED' ? (
                <span>
                  <Tag color="red">{t('savepoints.failed')}</Tag> <span className="muted">{s.reason}</span>
                </span>
              ) : (
                <code>{s.path}</code>
              ),
          },
        ]}
      />
    </div>
  );
}
