import { App as AntApp, Button, Form, Input, Modal, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import type { NamedSecret } from '../../api/types';
import { fieldErrorMap, ProblemAlert } from '../../components/errors';
import { usePutSecret } from '../../queries/secrets';

/** A new secret, or a new value for one (`existing`): the value is typed, sent and forgotten, never read back. */
export function SecretDialog({ existing, onClose }: { existing?: NamedSecret; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const put = usePutSecret();
  const fields = fieldErrorMap(put.error);
  return (
    <Modal
      open
      title={existing ? t('secrets.setTitle', { name: existing.name }) : t('secrets.add')}
      onCancel={onClose}
      footer={null}
      destroyOnHidden
    >
      <Form
        layout="vertical"
        initialValues={{ name: existing?.name, description: existing?.description ?? '' }}
        onFinish={(v: { name: string; value: string; description?: string }) =>
          put.mutate(
            { name: v.name.trim(), value: v.value, description: v.description ?? '', version: existing?.version },
            {
              onSuccess: () => {
                void message.success(t('secrets.saved', { name: v.name.trim() }));
                onClose();
              },
            },
          )
        }
      >
        <Form.Item
          name="name"
          label={t('secrets.name')}
          rules={[{ required: true, message: '' }]}
          validateStatus={fields.name ? 'error' : undefined}
          help={fields.name}
        >
          <Input disabled={!!existing} autoComplete="off" data-testid="secret-name" />
        </Form.Item>
        <Form.Item
          name="value"
          label={t('secrets.value')}
          rules={[{ required: true, message: '' }]}
          validateStatus={fields.value ? 'error' : undefined}
          help={fields.value ?? t('secrets.valueHint')}
        >
          <Input.Password autoComplete="new-password" visibilityToggle={false} data-testid="secret-value" />
        </Form.Item>
        <Form.Item name="description" label={t('secrets.description')}>
          <Input autoComplete="off" data-testid="secret-description" />
        </Form.Item>
        <ProblemAlert error={put.error} shownFields={['name', 'value']} />
        <Space className="section-gap">
          <Button type="primary" htmlType="submit" loading={put.isPending} data-testid="secret-save">
            {t('common.save')}
          </Button>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
        </Space>
      </Form>
    </Modal>
  );
}
