import { App as AntApp, Button, Popconfirm, Space, Table, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { NamedSecret } from '../../api/types';
import { ProblemAlert } from '../../components/errors';
import { useFormat } from '../../components/format';
import { RoleGate } from '../../components/RoleGate';
import { useDeleteSecret, useSecrets } from '../../queries/secrets';
import { SecretDialog } from './SecretDialog';

export default function SecretsPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const { message } = AntApp.useApp();
  const secrets = useSecrets();
  const remove = useDeleteSecret();
  const [editing, setEditing] = useState<NamedSecret | 'new' | null>(null);

  return (
    <div className="page" data-testid="secrets-page">
      <div className="page-head">
        <Typography.Title level={2}>{t('secrets.title')}</Typography.Title>
        <RoleGate min="admin">
          <Button type="primary" onClick={() => setEditing('new')} data-testid="add-secret">
            {t('secrets.add')}
          </Button>
        </RoleGate>
      </div>
      <Typography.Paragraph type="secondary">{t('secrets.hint')}</Typography.Paragraph>
      <ProblemAlert error={secrets.error} onRetry={() => secrets.refetch()} />
      {/* a delete the server refused (the secret came into use meanwhile) says which pipelines use it */}
      <ProblemAlert error={remove.error} />
      <Table<NamedSecret>
        size="small"
        rowKey="name"
        loading={secrets.isLoading}
        pagination={false}
        dataSource={secrets.data?.items ?? []}
        className="section-gap"
        columns={[
          { title: t('secrets.name'), render: (_, s) => <strong>{s.name}</strong> },
          {
            title: t('secrets.reference'),
            render: (_, s) => (
              <Typography.Text code copyable={{ text: s.reference }}>
                {s.reference}
              </Typography.Text>
            ),
          },
          { title: t('secrets.description'), render: (_, s) => s.description || '—' },
          {
            title: t('secrets.usedBy'),
            render: (_, s) =>
              s.usedBy.length ? (
                <Space size={[8, 0]} wrap data-testid={`used-by-${s.name}`}>
                  {s.usedBy.map((p) => (
                    <Link key={p} to={`/pipelines/${encodeURIComponent(p)}`}>
                      {p}
                    </Link>
                  ))}
                </Space>
              ) : (
                <Typography.Text type="secondary">{t('secrets.unused')}</Typography.Text>
              ),
          },
          {
            title: t('secrets.updated'),
            render: (_, s) => `${f.dateTime(s.updatedAt)}${s.updatedBy ? ` · ${s.updatedBy}` : ''}`,
          },
          {
            title: t('common.actions'),
            render: (_, s) => (
              <RoleGate min="admin">
                <Space>
                  <Button size="small" onClick={() => setEditing(s)} data-testid={`set-${s.name}`}>
                    {t('secrets.setValue')}
                  </Button>
                  {s.usedBy.length ? (
                    <Tooltip title={t('secrets.inUse', { pipelines: s.usedBy.join(', ') })}>
                      <Button size="small" danger disabled data-testid={`delete-${s.name}`}>
                        {t('common.delete')}
                      </Button>
                    </Tooltip>
                  ) : (
                    <Popconfirm
                      title={t('secrets.deleteConfirm', { name: s.name })}
                      okText={t('common.delete')}
                      okButtonProps={{ danger: true }}
                      cancelText={t('common.cancel')}
                      onConfirm={() =>
                        remove.mutate(
                          { name: s.name, version: s.version },
                          { onSuccess: () => void message.success(t('secrets.deleted', { name: s.name })) },
                        )
                      }
                    >
                      <Button size="small" danger data-testid={`delete-${s.name}`}>
                        {t('common.delete')}
                      </Button>
                    </Popconfirm>
                  )}
                </Space>
              </RoleGate>
            ),
          },
        ]}
      />
      {editing ? (
        <SecretDialog existing={editing === 'new' ? undefined : editing} onClose={() => setEditing(null)} />
      ) : null}
    </div>
  );
}
