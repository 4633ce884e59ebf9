import { Alert, Button, Descriptions, Modal, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { ProblemAlert } from '../../components/errors';
import { useFormat } from '../../components/format';
import { PageLoading } from '../../components/Layout';
import { RoleGate } from '../../components/RoleGate';
import { ClusterStatusBadge } from '../../components/StateBadge';
import { useCluster, useDeleteCluster } from '../../queries/clusters';
import { ClusterForm } from './ClusterForm';
import { ClusterSavepointSchedule } from './ClusterSavepointSchedule';

/** A refused delete (409) names the pipelines that still use the cluster. */
function usedBy(e: unknown): { id: number; name: string }[] {
  const list = e instanceof ApiError && e.status === 409 ? e.problem?.pipelines : undefined;
  return Array.isArray(list) ? (list as { id: number; name: string }[]) : [];
}

export default function ClusterPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const cluster = useCluster(id);
  const del = useDeleteCluster();
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  if (cluster.error) return <ProblemAlert error={cluster.error} onRetry={() => cluster.refetch()} />;
  if (!cluster.data) return <PageLoading />;
  const c = cluster.data;
  const h = c.health;
  const pipelines = usedBy(del.error);

  return (
    <div className="page" data-testid="cluster-page">
      <div className="page-head">
        <Space align="center">
          <Typography.Title level={2}>{c.name}</Typography.Title>
          <ClusterStatusBadge status={h?.status} />
        </Space>
        <RoleGate min="admin">
          <Space>
            <Button onClick={() => setEditing(true)}>{t('common.edit')}</Button>
            <Button danger onClick={() => setConfirming(true)}>
              {t('common.delete')}
            </Button>
          </Space>
        </RoleGate>
      </div>
      {pipelines.length ? (
        <Alert
          type="error"
          showIcon
          data-testid="delete-refused"
          title={t('cluster.deleteRefused')}
          description={
            <ul>
              {pipelines.map((p) => (
                <li key={p.id}>
                  <Link to={`/pipelines/${p.id}/overview`}>{p.name}</Link>
                </li>
              ))}
            </ul>
          }
        />
      ) : (
        <ProblemAlert error={del.error} />
      )}
      {c.cdc.warnings.length ? (
        <Alert
          type="warning"
          showIcon
          className="section-gap"
          data-testid="cluster-cdc-warnings"
          title={t('cluster.cdcWarnings')}
          description={
            <ul>
              {c.cdc.warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          }
        />
      ) : null}
      <Descriptions bordered size="small" column={{ xs: 1, md: 2 }} className="section-gap">
        <Descriptions.Item label={t('cluster.restUrl')}>
          <a href={c.flinkUiUrl ?? c.restUrl} target="_blank" rel="noreferrer">
            {c.restUrl}
          </a>
        </Descriptions.Item>
        <Descriptions.Item label={t('cluster.flinkVersion')}>{h?.flinkVersion ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('cluster.slots')}>
          {h?.slotsTotal != null ? `${h.slotsFree ?? 0} / ${h.slotsTotal}` : '—'}
        </Descriptions.Item>
        <Descriptions.Item label={t('cluster.taskManagers')}>{h?.taskManagers ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('cluster.runningJobs')}>{h?.runningJobs ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('cluster.latency')}>
          {h?.latencyMs != null ? f.duration(h.latencyMs) : '—'}
        </Descriptions.Item>
        <Descriptions.Item label={t('cluster.lastSeen')}>
          {h?.lastSeen ? f.dateTime(h.lastSeen) : t('cluster.never')}
        </Descriptions.Item>
        <Descriptions.Item label={t('cluster.error')}>{h?.error ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('cluster.authType')}>
          <span data-testid="cluster-auth">
            {c.auth.type === 'none'
              ? t('cluster.authNone')
              : c.auth.type === 'basic'
                ? `${t('cluster.authBasic')} · ${c.auth.username ?? ''} · ${c.auth.password ?? ''}`
                : `${t('cluster.authBearer')} · ${c.auth.token ?? ''}`}
          </span>
        </Descriptions.Item>
        <Descriptions.Item label={t('cluster.tls')}>
          {c.tls.insecure ? <Tag color="red">{t('cluster.insecure')}</Tag> : null}
          {c.tls.caPem ? t('cluster.tlsCaSet') : t('cluster.tlsCaNone')}
        </Descriptions.Item>
        {Object.keys(c.headers).length ? (
          <Descriptions.Item label={t('cluster.headers')} span="filled">
            {Object.entries(c.headers).map(([k, v]) => (
              <Tag key={k}>{`${k}: ${v}`}</Tag>
            ))}
          </Descriptions.Item>
        ) : null}
        <Descriptions.Item label={t('cluster.cdcMode')}>
          <span data-testid="cluster-cdc">
            {c.cdc.mode === 'shipped' ? t('cluster.cdcShipped') : t('cluster.cdcProvided')} ·{' '}
            {c.cdc.effectiveVersion ?? t('cluster.cdcUnknown')}
            {c.cdc.detectedVersion
              ? ` (${t('cluster.cdcDetected')})`
              : c.cdc.version
                ? ` (${t('cluster.cdcStated')})`
                : ''}
          </span>
        </Descriptions.Item>
        <Descriptions.Item label={t('common.labels')} span="filled">
          {Object.entries(c.labels).map(([k, v]) => (
            <Tag key={k}>{`${k}=${v}`}</Tag>
          ))}
        </Descriptions.Item>
        {c.description ? (
          <Descriptions.Item label={t('common.description')} span="filled">
            {c.description}
          </Descriptions.Item>
        ) : null}
      </Descriptions>
      <ClusterSavepointSchedule clusterId={c.id} />
      {editing ? <ClusterForm cluster={c} open onClose={() => setEditing(false)} /> : null}
      <Modal
        open={confirming}
        title={t('cluster.deleteConfirm', { name: c.name })}
        okText={t('common.delete')}
        okButtonProps={{ danger: true, loading: del.isPending }}
        cancelText={t('common.cancel')}
        onCancel={() => setConfirming(false)}
        onOk={() =>
          del.mutate(
            { id: c.id, version: c.version },
            {
              onSuccess: () => navigate('/clusters'),
              onSettled: () => setConfirming(false),
            },
          )
        }
      />
    </div>
  );
}
