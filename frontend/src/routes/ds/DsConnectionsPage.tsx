import { Alert, Button, Modal, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import type { DsConnection, DsConnectionTest } from '../../api/types';
import { errorText, ProblemAlert } from '../../components/errors';
import { useFormat } from '../../components/format';
import { useDeleteDsConnection, useDsConnections, useTestDsConnection } from '../../queries/ds';
import { DsConnectionForm } from './DsConnectionForm';

/** What a test said, in one line with its tags. */
function TestOutcome({ outcome }: { outcome: DsConnectionTest }) {
  const { t } = useTranslation();
  return (
    <Space
      wrap
      data-testid="ds-test-outcome"
      data-reachable={String(outcome.reachable)}
      data-authenticated={String(outcome.authenticated)}
    >
      <Tag color={outcome.reachable ? 'green' : 'red'}>
        {outcome.reachable ? t('ds.connections.reachable') : t('ds.connections.unreachable')}
      </Tag>
      {outcome.reachable ? (
        <Tag color={outcome.authenticated ? 'green' : 'red'}>
          {outcome.authenticated
            ? t('ds.connections.authenticated', { user: outcome.user ?? '?' })
            : t('ds.connections.notAuthenticated')}
        </Tag>
      ) : null}
      {outcome.authenticated ? null : <Typography.Text type="secondary">{outcome.message}</Typography.Text>}
    </Space>
  );
}

/** The DolphinScheduler connections (admins): add, edit (the token write-only), test, delete. */
export default function DsConnectionsPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const connections = useDsConnections();
  const test = useTestDsConnection();
  const del = useDeleteDsConnection();
  const [editing, setEditing] = useState<DsConnection | 'new' | null>(null);
  const [deleting, setDeleting] = useState<DsConnection | null>(null);
  const [outcomes, setOutcomes] = useState<Record<string, DsConnectionTest | string>>({});

  const runTest = (name: string) =>
    test.mutate(name, {
      onSuccess: (o) => setOutcomes((all) => ({ ...all, [name]: o })),
      onError: (e) => setOutcomes((all) => ({ ...all, [name]: errorText(e, t) })),
    });

  return (
    <div className="page" data-testid="ds-connections-page">
      <div className="page-head">
        <Typography.Title level={2}>{t('ds.connections.title')}</Typography.Title>
        <Button type="primary" data-testid="ds-connection-add" onClick={() => setEditing('new')}>
          {t('ds.connections.add')}
        </Button>
      </div>
      <Typography.Paragraph type="secondary">{t('ds.connections.intro')}</Typography.Paragraph>
      {del.error instanceof ApiError && del.error.status === 409 ? (
        <Alert type="error" showIcon data-testid="delete-refused" title={t('ds.connections.deleteRefused')} />
      ) : (
        <ProblemAlert error={del.error} />
      )}
      <ProblemAlert error={connections.error} onRetry={() => connections.refetch()} />
      <Table<DsConnection>
        rowKey="id"
        loading={connections.isLoading}
        dataSource={connections.data?.items ?? []}
        pagination={false}
        locale={{ emptyText: t('ds.connections.empty') }}
        data-testid="ds-connections"
        columns={[
          {
            title: t('common.name'),
            dataIndex: 'name',
            render: (n: string) => <strong className="nowrap">{n}</strong>,
          },
          {
            title: t('ds.connections.url'),
            dataIndex: 'url',
            render: (u: string) => (
              <Typography.Text code className="nowrap">
                {u}
              </Typography.Text>
            ),
          },
          {
            title: t('ds.connections.version'),
            dataIndex: 'version',
            render: (v: string) => <Tag>{v}</Tag>,
            width: 110,
          },
          {
            title: t('ds.connections.token'),
            dataIndex: 'token',
            render: (v: string) => <Typography.Text type="secondary">{v}</Typography.Text>,
          },
          { title: t('common.description'), dataIndex: 'description' },
          { title: t('common.updated'), dataIndex: 'updatedAt', render: (at: string) => f.dateTime(at) },
          {
            title: '',
            key: 'actions',
            render: (_, c) => {
              const outcome = outcomes[c.name];
              return (
                <Space orientation="vertical" size="small">
                  <Space wrap>
                    <Button
                      size="small"
                      data-testid="ds-connection-test"
                      loading={test.isPending && test.variables === c.name}
                      onClick={() => runTest(c.name)}
                    >
                      {t('ds.connections.test')}
                    </Button>
                    <Button size="small" onClick={() => setEditing(c)}>
                      {t('common.edit')}
                    </Button>
                    <Button size="small" danger onClick={() => setDeleting(c)}>
                      {t('common.delete')}
                    </Button>
                  </Space>
                  {outcome === undefined ? null : typeof outcome === 'string' ? (
                    <Typography.Text type="danger">{outcome}</Typography.Text>
                  ) : (
                    <TestOutcome outcome={outcome} />
                  )}
                </Space>
              );
            },
          },
        ]}
      />
      {editing ? (
        <DsConnectionForm connection={editing === 'new' ? undefined : editing} open onClose={() => setEditing(null)} />
      ) : null}
      <Modal
        open={!!deleting}
        title={deleting ? t('ds.connections.deleteConfirm', { name: deleting.name }) : ''}
        okText={t('common.delete')}
        okButtonProps={{ danger: true, loading: del.isPending }}
        cancelText={t('common.cancel')}
        onCancel={() => setDeleting(null)}
        onOk={() =>
          deleting &&
          del.mutate({ name: deleting.name, revision: deleting.revision }, { onSettled: () => setDeleting(null) })
        }
      />
    </div>
  );
}
