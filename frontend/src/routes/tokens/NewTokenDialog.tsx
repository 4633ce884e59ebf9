import { Alert, Button, Form, Input, Modal, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { NewApiToken, Role } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { fieldErrorMap, ProblemAlert } from '../../components/errors';
import { parseLabels } from '../../components/labels';
import { usePipelines } from '../../queries/pipelines';
import { useCreateToken } from '../../queries/tokens';

const ROLES: Role[] = ['viewer', 'operator', 'admin'];
const EXPIRY_DAYS = [7, 30, 90, 365] as const;

interface Values {
  name: string;
  role: Role;
  expiry: number | 'never';
  pipelines?: string[];
  labels?: string;
}

/**
 * Creating a token, then its secret, shown once: it lives only in this dialog's state (not the query cache), and
 * closing the dialog drops it.
 */
export function NewTokenDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const { user } = useAuth();
  const create = useCreateToken();
  const pipelines = usePipelines({ limit: 500, sort: 'name' });
  const [labelError, setLabelError] = useState(false);
  const fields = fieldErrorMap(create.error);
  const myRank = ROLES.indexOf(String(user?.role) as Role);
  const roles = ROLES.filter((_, i) => i <= myRank).map((r) => ({ value: r, label: t(`roles.${r}`) }));
  const secret = create.data?.token;

  const close = () => {
    create.reset();
    onClose();
  };

  const submit = (v: Values) => {
    const { labels, bad } = parseLabels(v.labels);
    setLabelError(bad.length > 0);
    if (bad.length) return;
    const scoped = (v.pipelines?.length ?? 0) > 0 || Object.keys(labels).length > 0;
    const input: NewApiToken = {
      name: v.name,
      role: v.role,
      ...(v.expiry === 'never' ? {} : { expiresInDays: v.expiry }),
      ...(scoped ? { scope: { pipelines: v.pipelines ?? [], labels } } : {}),
    };
    create.mutate(input);
  };

  if (secret) {
    return (
      <Modal
        open
        title={t('tokens.secretTitle')}
        onCancel={close}
        closable={false}
        maskClosable={false}
        keyboard={false}
        footer={
          <Button type="primary" onClick={close} data-testid="token-done">
            {t('tokens.done')}
          </Button>
        }
      >
        <Alert type="warning" showIcon title={t('tokens.secretWarning')} />
        <Typography.Paragraph
          className="section-gap token-secret"
          data-testid="token-secret"
          copyable={{ text: secret, tooltips: [t('tokens.copy'), t('tokens.copied')] }}
        >
          <code>{secret}</code>
        </Typography.Paragraph>
      </Modal>
    );
  }

  return (
    <Modal open title={t('tokens.add')} onCancel={close} footer={null} destroyOnHidden width={600}>
      <Form<Values>
        layout="vertical"
        // operator by default, the most a scoped (automation) token may have; more is a deliberate choice
        initialValues={{ role: myRank >= 1 ? 'operator' : 'viewer', expiry: 90 }}
        onFinish={submit}
      >
        <Form.Item
          name="name"
          label={t('tokens.name')}
          rules={[{ required: true, message: '' }]}
          validateStatus={fields.name ? 'error' : undefined}
          help={fields.name}
        >
          <Input autoComplete="off" data-testid="token-name" />
        </Form.Item>
        <Space size="large" wrap>
          <Form.Item
            name="role"
            label={t('tokens.role')}
            help={fields.role ?? t('tokens.roleHint')}
            validateStatus={fields.role ? 'error' : undefined}
          >
            <Select options={roles} style={{ width: 160 }} data-testid="token-role" />
          </Form.Item>
          <Form.Item name="expiry" label={t('tokens.expiry')}>
            <Select
              style={{ width: 160 }}
              data-testid="token-expiry"
              options={[
                ...EXPIRY_DAYS.map((d) => ({ value: d, label: t('tokens.days', { count: d }) })),
                { value: 'never', label: t('tokens.never') },
              ]}
            />
          </Form.Item>
        </Space>
        <Typography.Paragraph type="secondary">{t('tokens.scopeHint')}</Typography.Paragraph>
        <Form.Item name="pipelines" label={t('tokens.scopePipelines')}>
          <Select
            mode="multiple"
            allowClear
            loading={pipelines.isLoading}
            data-testid="token-pipelines"
            options={(pipelines.data?.items ?? []).map((p) => ({ value: p.name, label: p.name }))}
          />
        </Form.Item>
        <Form.Item
          name="labels"
          label={t('tokens.scopeLabels')}
          validateStatus={labelError || fields['scope.labels'] ? 'error' : undefined}
          help={labelError ? t('tokens.labelFormat') : (fields['scope.labels'] ?? t('cluster.labelsHint'))}
        >
          <Input.TextArea rows={2} placeholder={t('tokens.labelsPlaceholder')} data-testid="token-labels" />
        </Form.Item>
        <ProblemAlert error={create.error} shownFields={['name', 'role', 'scope.labels']} />
        <Space className="section-gap">
          <Button type="primary" htmlType="submit" loading={create.isPending} data-testid="create-token">
            {t('tokens.add')}
          </Button>
          <Button onClick={close}>{t('common.cancel')}</Button>
        </Space>
      </Form>
    </Modal>
  );
}
