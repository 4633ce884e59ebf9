import { Alert, Button, Card, Modal, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { DsDelivery, DsTrigger, Pipeline } from '../../api/types';
import { ProblemAlert } from '../../components/errors';
import { useFormat } from '../../components/format';
import { RoleGate, useHasRole } from '../../components/RoleGate';
import {
  useDeleteDsTrigger,
  useDsConnections,
  useDsDeliveries,
  useDsTriggers,
  useRetryDsDelivery,
} from '../../queries/ds';
import { DsSnippets } from './DsSnippets';
import { DsTriggerForm } from './DsTriggerForm';

const DELIVERY_COLOR = { PENDING: 'processing', DELIVERED: 'success', FAILED: 'error' } as const;

function Triggers({ pipeline }: { pipeline: Pipeline }) {
  const { t } = useTranslation();
  const triggers = useDsTriggers(pipeline.id);
  const connections = useDsConnections();
  const del = useDeleteDsTrigger(pipeline.id);
  const operator = useHasRole('operator');
  const [editing, setEditing] = useState<DsTrigger | 'new' | null>(null);
  const [deleting, setDeleting] = useState<DsTrigger | null>(null);
  const available = connections.data?.items ?? [];

  return (
    <Card
      title={t('ds.triggers.title')}
      data-testid="ds-triggers"
      extra={
        <RoleGate min="operator">
          <Button
            type="primary"
            size="small"
            disabled={!available.length}
            onClick={() => setEditing('new')}
            data-testid="ds-trigger-add"
          >
            {t('ds.triggers.add')}
          </Button>
        </RoleGate>
      }
    >
      <Typography.Paragraph type="secondary">{t('ds.triggers.intro')}</Typography.Paragraph>
      {connections.data && !available.length ? (
        <Alert type="info" showIcon title={t('ds.triggers.noConnection')} />
      ) : null}
      <ProblemAlert
        error={triggers.error ?? del.error}
        onRetry={triggers.error ? () => triggers.refetch() : undefined}
      />
      <Table<DsTrigger>
        rowKey="id"
        size="small"
        loading={triggers.isLoading}
        dataSource={triggers.data?.items ?? []}
        pagination={false}
        locale={{ emptyText: t('ds.triggers.empty') }}
        columns={[
          {
            title: t('ds.triggers.onState'),
            dataIndex: 'onState',
            render: (s: string) => <Tag>{t(`states.${s}` as 'states.RUNNING')}</Tag>,
          },
          { title: t('ds.triggers.connection'), dataIndex: 'connection' },
          {
            title: t('ds.triggers.workflow'),
            key: 'workflow',
            render: (_, tr) => (
              <Typography.Text code>
                {tr.projectCode} / {tr.workflowCode}
              </Typography.Text>
            ),
          },
          {
            title: t('ds.triggers.params'),
            dataIndex: 'params',
            render: (params: Record<string, string>) =>
              Object.entries(params).map(([k, v]) => <Tag key={k}>{`${k}=${v}`}</Tag>),
          },
          {
            title: t('ds.triggers.enabled'),
            dataIndex: 'enabled',
            render: (on: boolean) =>
              on ? <Tag color="green">{t('ds.triggers.enabled')}</Tag> : <Tag>{t('ds.triggers.disabled')}</Tag>,
          },
          ...(operator
            ? [
                {
                  title: '',
                  key: 'actions',
                  render: (_: unknown, tr: DsTrigger) => (
                    <Space>
                      <Button size="small" onClick={() => setEditing(tr)} disabled={!available.length}>
                        {t('common.edit')}
                      </Button>
                      <Button size="small" danger onClick={() => setDeleting(tr)}>
                        {t('common.delete')}
                      </Button>
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      {editing ? (
        <DsTriggerForm
          pipelineId={pipeline.id}
          connections={available}
          trigger={editing === 'new' ? undefined : editing}
          open
          onClose={() => setEditing(null)}
        />
      ) : null}
      <Modal
        open={!!deleting}
        title={t('ds.triggers.deleteConfirm')}
        okText={t('common.delete')}
        okButtonProps={{ danger: true, loading: del.isPending }}
        cancelText={t('common.cancel')}
        onCancel={() => setDeleting(null)}
        onOk={() =>
          deleting && del.mutate({ id: deleting.id, version: deleting.version }, { onSettled: () => setDeleting(null) })
        }
      />
    </Card>
  );
}

function Deliveries({ pipeline }: { pipeline: Pipeline }) {
  const { t } = useTranslation();
  const f = useFormat();
  const deliveries = useDsDeliveries(pipeline.id);
  const retry = useRetryDsDelivery(pipeline.id);
  const operator = useHasRole('operator');
  return (
    <Card title={t('ds.deliveries.title')} className="section-gap" data-testid="ds-deliveries">
      <Typography.Paragraph type="secondary">{t('ds.deliveries.intro')}</Typography.Paragraph>
      <ProblemAlert
        error={deliveries.error ?? retry.error}
        onRetry={deliveries.error ? () => deliveries.refetch() : undefined}
      />
      <Table<DsDelivery>
        rowKey="id"
        size="small"
        loading={deliveries.isLoading}
        dataSource={deliveries.data?.items ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: t('ds.deliveries.empty') }}
        columns={[
          { title: t('common.created'), dataIndex: 'createdAt', render: (at: string) => f.dateTime(at) },
          {
            title: t('ds.deliveries.run'),
            dataIndex: 'runId',
            render: (id: number) => <Link to={`/runs/${id}`}>#{id}</Link>,
          },
          {
            title: t('ds.triggers.onState'),
            dataIndex: 'onState',
            render: (s: string) => t(`states.${s}` as 'states.RUNNING'),
          },
          {
            title: t('ds.triggers.workflowCode'),
            dataIndex: 'workflowCode',
            render: (c: string) => <Typography.Text code>{c}</Typography.Text>,
          },
          {
            title: t('ds.deliveries.status'),
            dataIndex: 'status',
            render: (s: DsDelivery['status']) => (
              <Tag color={DELIVERY_COLOR[s]} data-testid="ds-delivery-status" data-status={s}>
                {t(`ds.deliveries.statuses.${s}`)}
              </Tag>
            ),
          },
          { title: t('ds.deliveries.attempts'), dataIndex: 'attempts' },
          {
            title: t('ds.deliveries.lastError'),
            key: 'detail',
            render: (_, d) =>
              d.status === 'DELIVERED' ? (
                <Tooltip title={JSON.stringify(d.response)}>
                  <Typography.Text type="secondary">
                    {t('ds.deliveries.deliveredAt')} {f.dateTime(d.deliveredAt)}
                  </Typography.Text>
                </Tooltip>
              ) : (
                <Space orientation="vertical" size={0}>
                  {d.lastError ? <Typography.Text type="danger">{d.lastError}</Typography.Text> : null}
                  {d.nextAttemptAt ? (
                    <Typography.Text type="secondary">
                      {t('ds.deliveries.nextAttempt')}: {f.dateTime(d.nextAttemptAt)}
                    </Typography.Text>
                  ) : null}
                </Space>
              ),
          },
          ...(operator
            ? [
                {
                  title: '',
                  key: 'retry',
                  render: (_: unknown, d: DsDelivery) =>
                    d.status === 'DELIVERED' ? null : (
                      <Button
                        size="small"
                        data-testid="ds-delivery-retry"
                        loading={retry.isPending && retry.variables === d.id}
                        onClick={() => retry.mutate(d.id)}
                      >
                        {t('ds.deliveries.retry')}
                      </Button>
                    ),
                },
              ]
            : []),
        ]}
      />
    </Card>
  );
}

/** The pipeline and DolphinScheduler: triggers into DS, their deliveries, and the HTTP tasks DS drives it with. */
export function DsTab({ pipeline }: { pipeline: Pipeline }) {
  return (
    <div data-testid="ds-tab">
      <Triggers pipeline={pipeline} />
      <Deliveries pipeline={pipeline} />
      <DsSnippets pipeline={pipeline} />
    </div>
  );
}
