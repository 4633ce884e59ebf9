import { Card, Col, Row, Spin, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { RUN_STATES, type PipelineState } from '../../api/types';
import { ProblemAlert } from '../../components/errors';
import { useFormat } from '../../components/format';
import { ClusterStatusBadge, StateBadge } from '../../components/StateBadge';
import { useClusters } from '../../queries/clusters';
import { useOverview, useTransitions } from '../../queries/misc';

// The first screen after sign-in: plain tables and lists (no antd Table/List), so it loads fast.

const missing = (e: unknown) => e instanceof ApiError && e.status === 404;

function NotAvailable() {
  const { t } = useTranslation();
  return <Typography.Text type="secondary">{t('common.notAvailable')}</Typography.Text>;
}

function ClustersHealth() {
  const { t } = useTranslation();
  const f = useFormat();
  const clusters = useClusters();
  if (clusters.error) return <ProblemAlert error={clusters.error} onRetry={() => clusters.refetch()} />;
  if (!clusters.data) return <Spin />;
  if (!clusters.data.items.length)
    return <Typography.Text type="secondary">{t('overview.noClusters')}</Typography.Text>;
  return (
    <table className="plain-table" data-testid="clusters-health">
      <thead>
        <tr>
          <th>{t('common.name')}</th>
          <th>{t('cluster.status')}</th>
          <th>{t('cluster.flinkVersion')}</th>
          <th>{t('cluster.slots')}</th>
          <th>{t('cluster.latency')}</th>
          <th>{t('cluster.lastSeen')}</th>
        </tr>
      </thead>
      <tbody>
        {clusters.data.items.map((c) => {
          const h = c.health;
          return (
            <tr key={c.id}>
              <td>
                <Link to={`/clusters/${c.id}`}>{c.name}</Link>
              </td>
              <td>
                <ClusterStatusBadge status={h?.status} />
              </td>
              <td>{h?.flinkVersion ?? '—'}</td>
              <td>{h?.slotsTotal != null ? `${h.slotsFree ?? 0} / ${h.slotsTotal}` : '—'}</td>
              <td>{h?.latencyMs != null ? f.duration(h.latencyMs) : '—'}</td>
              <td>{h?.lastSeen ? f.dateTime(h.lastSeen) : t('cluster.never')}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function Feed() {
  const { t } = useTranslation();
  const f = useFormat();
  const feed = useTransitions(undefined, 15);
  if (feed.error) return missing(feed.error) ? <NotAvailable /> : <ProblemAlert error={feed.error} />;
  if (!feed.data) return <Spin />;
  if (!feed.data.items.length) return <Typography.Text type="secondary">{t('overview.noFeed')}</Typography.Text>;
  return (
    <ul className="plain-list" aria-live="polite">
      {feed.data.items.map((tr, i) => (
        <li key={tr.id ?? `${tr.runId}-${tr.at}-${i}`} data-testid="feed-item" className="feed-row">
          <span className="feed-time">{f.dateTime(tr.at)}</span>
          <Link to={`/pipelines/${tr.pipelineId}/overview`}>{tr.pipeline}</Link>
          <span>
            {tr.from ? <StateBadge state={tr.from} /> : null}→ <StateBadge state={tr.to} />
          </span>
          <span className="muted">{tr.source}</span>
          {tr.runId ? <Link to={`/runs/${tr.runId}`}>{t('pipeline.run', { id: tr.runId })}</Link> : null}
        </li>
      ))}
    </ul>
  );
}

export function OverviewPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const overview = useOverview();
  const byState = overview.data?.pipelines.byState ?? {};
  const states: PipelineState[] = [...RUN_STATES, 'NONE'];
  const unavailable = overview.error && missing(overview.error);

  return (
    <div className="page" data-testid="overview-page">
      <Typography.Title level={2}>{t('overview.title')}</Typography.Title>
      <Row gutter={[16, 16]}>
        <Col xs={24}>
          <Card title={t('overview.clusters')} size="small">
            <ClustersHealth />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('overview.pipelinesByState')} size="small" data-testid="pipelines-by-state">
            {unavailable ? <NotAvailable /> : <ProblemAlert error={overview.error} />}
            {overview.data ? (
              <>
                <div className="big-numbers">
                  <Link to="/pipelines" className="big-number">
                    <span className="muted">{t('overview.pipelinesTotal')}</span>
                    <strong data-testid="pipelines-total">{overview.data.pipelines.total}</strong>
                  </Link>
                  <Link to="/pipelines?stale=true" className="big-number">
                    <span className="muted">{t('overview.stale')}</span>
                    <strong data-testid="pipelines-stale">{overview.data.pipelines.stale}</strong>
                  </Link>
                </div>
                <div className="state-counts">
                  {states
                    .filter((s) => (byState[s] ?? 0) > 0)
                    .map((s) => (
                      <Link key={s} to={`/pipelines?state=${s}`} className="state-count" data-testid={`count-${s}`}>
                        <StateBadge state={s} /> <strong>{byState[s]}</strong>
                      </Link>
                    ))}
                </div>
              </>
            ) : null}
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('overview.attention')} size="small" data-testid="attention">
            {unavailable ? <NotAvailable /> : null}
            {overview.data && overview.data.attention.length === 0 ? (
              <Typography.Text type="secondary">{t('overview.noAttention')}</Typography.Text>
            ) : null}
            {overview.data?.attention.length ? (
              <ul className="plain-list">
                {overview.data.attention.map((a) => (
                  <li key={a.pipelineId} data-testid="attention-item">
                    <Link to={`/pipelines/${a.pipelineId}/overview`}>{a.pipeline}</Link>{' '}
                    <StateBadge state={a.state} stale={a.stale} />
                    {a.since ? <span className="muted small">{f.dateTime(a.since)}</span> : null}
                    {a.runId ? (
                      <>
                        {' '}
                        <Link to={`/runs/${a.runId}`}>{t('pipeline.run', { id: a.runId })}</Link>
                      </>
                    ) : null}
                    {a.lastError ? (
                      <div className="error-line" title={a.lastError}>
                        {a.lastError.split('\n')[0]}
                      </div>
                    ) : null}
                  </li>
                ))}
              </ul>
            ) : null}
          </Card>
        </Col>
        <Col xs={24}>
          <Card title={t('overview.feed')} size="small" data-testid="feed">
            <Feed />
          </Card>
        </Col>
      </Row>
    </div>
  );
}
