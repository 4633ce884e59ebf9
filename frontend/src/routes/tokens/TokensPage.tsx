import { Button, Popconfirm, Segmented, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiToken } from '../../api/types';
import { ProblemAlert } from '../../components/errors';
import { useFormat } from '../../components/format';
import { useHasRole } from '../../components/RoleGate';
import { useRevokeToken, useTokens } from '../../queries/tokens';
import { NewTokenDialog } from './NewTokenDialog';

const STATUS_COLOR = { active: 'green', expired: 'default', revoked: 'red' } as const;

function ScopeTags({ token }: { token: ApiToken }) {
  const { t } = useTranslation();
  if (!token.scope) return <Typography.Text type="secondary">{t('tokens.unscoped')}</Typography.Text>;
  return (
    <Space size={[0, 4]} wrap>
      {token.scope.pipelines.map((p) => (
        <Tag key={`p:${p}`} color="blue">
          {p}
        </Tag>
      ))}
      {Object.entries(token.scope.labels).map(([k, v]) => (
        <Tag key={`l:${k}`}>{`${k}=${v}`}</Tag>
      ))}
    </Space>
  );
}

export default function TokensPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const isAdmin = useHasRole('admin');
  const [everyone, setEveryone] = useState(false);
  const tokens = useTokens(isAdmin && everyone);
  const revoke = useRevokeToken();
  const [adding, setAdding] = useState(false);

  return (
    <div className="page" data-testid="tokens-page">
      <div className="page-head">
        <Typography.Title level={2}>{t('tokens.title')}</Typography.Title>
        <Space>
          {isAdmin ? (
            <Segmented
              data-testid="tokens-whose"
              value={everyone ? 'everyone' : 'mine'}
              onChange={(v) => setEveryone(v === 'everyone')}
              options={[
                { value: 'mine', label: t('tokens.mine') },
                { value: 'everyone', label: t('tokens.everyone') },
              ]}
            />
          ) : null}
          <Button type="primary" onClick={() => setAdding(true)} data-testid="add-token">
            {t('tokens.add')}
          </Button>
        </Space>
      </div>
      <ProblemAlert error={tokens.error} onRetry={() => tokens.refetch()} />
      <ProblemAlert error={revoke.error} />
      <Table<ApiToken>
        size="small"
        rowKey="id"
        loading={tokens.isLoading}
        pagination={false}
        dataSource={tokens.data?.items ?? []}
        columns={[
          { title: t('tokens.name'), dataIndex: 'name', render: (_, k) => <strong>{k.name}</strong> },
          ...(everyone
            ? [{ title: t('tokens.owner'), key: 'owner', render: (_: unknown, k: ApiToken) => k.username }]
            : []),
          { title: t('tokens.role'), render: (_, k) => t(`roles.${k.role}`) },
          { title: t('tokens.scope'), render: (_, k) => <ScopeTags token={k} /> },
          {
            title: t('tokens.status'),
            render: (_, k) => <Tag color={STATUS_COLOR[k.status]}>{t(`tokens.statuses.${k.status}`)}</Tag>,
          },
          { title: t('common.created'), render: (_, k) => f.dateTime(k.createdAt) },
          { title: t('tokens.expires'), render: (_, k) => (k.expiresAt ? f.dateTime(k.expiresAt) : t('tokens.never')) },
          {
            title: t('tokens.lastUsed'),
            render: (_, k) => (k.lastUsedAt ? f.dateTime(k.lastUsedAt) : t('tokens.notUsed')),
          },
          {
            title: t('common.actions'),
            render: (_, k) =>
              k.status === 'active' ? (
                <Popconfirm
                  title={t('tokens.revokeConfirm', { name: k.name })}
                  okText={t('tokens.revoke')}
                  okButtonProps={{ danger: true }}
                  cancelText={t('common.cancel')}
                  onConfirm={() => revoke.mutate(k.id)}
                >
                  <Button size="small" danger data-testid={`revoke-${k.name}`}>
                    {t('tokens.revoke')}
                  </Button>
                </Popconfirm>
              ) : null,
          },
        ]}
      />
      {adding ? <NewTokenDialog onClose={() => setAdding(false)} /> : null}
    </div>
  );
}
