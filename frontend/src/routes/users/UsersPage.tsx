import { App as AntApp, Button, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Role, User } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { fieldErrorMap, ProblemAlert } from '../../components/errors';
import { useFormat } from '../../components/format';
import { RequireRole } from '../../components/RoleGate';
import { useChangeUser, useCreateUser, useUsers } from '../../queries/users';

const ROLES: Role[] = ['viewer', 'operator', 'admin'];

function useRoleOptions() {
  const { t } = useTranslation();
  return ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }));
}

function NewUserDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const create = useCreateUser();
  const roles = useRoleOptions();
  const fields = fieldErrorMap(create.error);
  return (
    <Modal open title={t('users.add')} onCancel={onClose} footer={null} destroyOnHidden>
      <Form
        layout="vertical"
        initialValues={{ role: 'viewer' }}
        onFinish={(v: { username: string; password: string; role: Role }) =>
          create.mutate(v, {
            onSuccess: (u) => {
              void message.success(t('users.created', { name: u.username }));
              onClose();
            },
          })
        }
      >
        <Form.Item
          name="username"
          label={t('users.username')}
          rules={[{ required: true, message: '' }]}
          validateStatus={fields.username ? 'error' : undefined}
          help={fields.username}
        >
          <Input autoComplete="off" data-testid="new-username" />
        </Form.Item>
        <Form.Item
          name="password"
          label={t('users.password')}
          rules={[{ required: true, message: '' }]}
          validateStatus={fields.password ? 'error' : undefined}
          help={fields.password ?? t('users.passwordHint')}
        >
          <Input.Password autoComplete="new-password" data-testid="new-password" />
        </Form.Item>
        <Form.Item name="role" label={t('users.role')}>
          <Select options={roles} data-testid="new-role" />
        </Form.Item>
        <ProblemAlert error={create.error} shownFields={['username', 'password']} />
        <Space className="section-gap">
          <Button type="primary" htmlType="submit" loading={create.isPending} data-testid="create-user">
            {t('users.add')}
          </Button>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
        </Space>
      </Form>
    </Modal>
  );
}

function ResetPasswordDialog({ user, onClose }: { user: User; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const change = useChangeUser();
  const fields = fieldErrorMap(change.error);
  return (
    <Modal open title={t('users.resetTitle', { name: user.username })} onCancel={onClose} footer={null} destroyOnHidden>
      <Typography.Paragraph type="secondary">{t('users.resetHint')}</Typography.Paragraph>
      <Form
        layout="vertical"
        onFinish={(v: { password: string }) =>
          change.mutate(
            { id: user.id, changes: { password: v.password } },
            {
              onSuccess: () => {
                void message.success(t('users.changed', { name: user.username }));
                onClose();
              },
            },
          )
        }
      >
        <Form.Item
          name="password"
          label={t('users.newPassword')}
          rules={[{ required: true, message: '' }]}
          validateStatus={fields.password ? 'error' : undefined}
          help={fields.password ?? t('users.passwordHint')}
        >
          <Input.Password autoComplete="new-password" data-testid="reset-password" />
        </Form.Item>
        <ProblemAlert error={change.error} shownFields={['password']} />
        <Space className="section-gap">
          <Button type="primary" htmlType="submit" loading={change.isPending} data-testid="reset-submit">
            {t('users.resetPassword')}
          </Button>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
        </Space>
      </Form>
    </Modal>
  );
}

function Users() {
  const { t } = useTranslation();
  const f = useFormat();
  const { user: me } = useAuth();
  const users = useUsers();
  const change = useChangeUser();
  const roles = useRoleOptions();
  const [adding, setAdding] = useState(false);
  const [resetting, setResetting] = useState<User | null>(null);

  return (
    <div className="page" data-testid="users-page">
      <div className="page-head">
        <Typography.Title level={2}>{t('users.title')}</Typography.Title>
        <Button type="primary" onClick={() => setAdding(true)} data-testid="add-user">
          {t('users.add')}
        </Button>
      </div>
      <Typography.Paragraph type="secondary">{t('users.lastAdminHint')}</Typography.Paragraph>
      <ProblemAlert error={users.error} onRetry={() => users.refetch()} />
      {/* the server's refusal (the last admin, a bad value) stays readable above the table */}
      <ProblemAlert error={change.error} />
      <Table<User>
        size="small"
        rowKey="id"
        loading={users.isLoading}
        pagination={false}
        dataSource={users.data?.items ?? []}
        className="section-gap"
        columns={[
          {
            title: t('users.username'),
            dataIndex: 'username',
            render: (_, u) => (
              <Space>
                <strong>{u.username}</strong>
                {u.id === me?.id ? <Tag>{t('users.you')}</Tag> : null}
              </Space>
            ),
          },
          {
            title: t('users.role'),
            render: (_, u) => (
              <Select<Role>
                size="small"
                value={u.role}
                options={roles}
                style={{ width: 130 }}
                aria-label={`${t('users.role')} ${u.username}`}
                data-testid={`role-${u.username}`}
                onChange={(role) => change.mutate({ id: u.id, changes: { role } })}
              />
            ),
          },
          {
            title: t('users.status'),
            render: (_, u) => (
              <Tag color={u.disabled ? 'default' : 'green'}>
                {u.disabled ? t('users.disabled') : t('users.enabled')}
              </Tag>
            ),
          },
          { title: t('common.created'), render: (_, u) => f.dateTime(u.createdAt) },
          { title: t('common.updated'), render: (_, u) => f.dateTime(u.updatedAt) },
          {
            title: t('common.actions'),
            render: (_, u) => (
              <Space>
                {u.disabled ? (
                  <Button size="small" onClick={() => change.mutate({ id: u.id, changes: { disabled: false } })}>
                    {t('users.enable')}
                  </Button>
                ) : (
                  <Popconfirm
                    title={t('users.disableConfirm', { name: u.username })}
                    okText={t('users.disable')}
                    cancelText={t('common.cancel')}
                    onConfirm={() => change.mutate({ id: u.id, changes: { disabled: true } })}
                  >
                    <Button size="small" danger data-testid={`disable-${u.username}`}>
                      {t('users.disable')}
                    </Button>
                  </Popconfirm>
                )}
                <Button size="small" onClick={() => setResetting(u)} data-testid={`reset-${u.username}`}>
                  {t('users.resetPassword')}
                </Button>
              </Space>
            ),
          },
        ]}
      />
      {adding ? <NewUserDialog onClose={() => setAdding(false)} /> : null}
      {resetting ? <ResetPasswordDialog user={resetting} onClose={() => setResetting(null)} /> : null}
    </div>
  );
}

export default function UsersPage() {
  return (
    <RequireRole min="admin">
      <Users />
    </RequireRole>
  );
}
