import { Form, Input, Modal, Radio } from 'antd';
import { useTranslation } from 'react-i18next';
import type { DsConnection } from '../../api/types';
import { fieldErrorMap, ProblemAlert } from '../../components/errors';
import { useSaveDsConnection } from '../../queries/ds';

const MASK = '******';

interface Values {
  name: string;
  url: string;
  version: '3.2' | '3.3';
  token: string;
  description?: string;
}

/**
 * Add or edit a DolphinScheduler connection (admins). The token is write-only: an existing connection shows the mask,
 * which the server reads as "keep the stored token".
 */
export function DsConnectionForm({
  connection,
  open,
  onClose,
}: {
  connection?: DsConnection;
  open: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const save = useSaveDsConnection();
  const [form] = Form.useForm<Values>();
  const fields = fieldErrorMap(save.error);
  const at = (path: string) => (fields[path] ? { validateStatus: 'error' as const, help: fields[path] } : {});

  const submit = (v: Values) =>
    save.mutate(
      {
        existing: connection ? { name: connection.name, revision: connection.revision } : undefined,
        input: {
          name: v.name,
          url: v.url.trim(),
          version: v.version,
          token: v.token,
          description: v.description ?? '',
        },
      },
      { onSuccess: () => onClose() },
    );

  return (
    <Modal
      open={open}
      title={connection ? t('ds.connections.editTitle', { name: connection.name }) : t('ds.connections.addTitle')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
      onCancel={onClose}
      destroyOnHidden
      width={600}
    >
      <Form<Values>
        form={form}
        layout="vertical"
        onFinish={submit}
        data-testid="ds-connection-form"
        initialValues={{
          name: connection?.name,
          url: connection?.url,
          version: connection?.version === '3.2' ? '3.2' : '3.3',
          token: connection ? MASK : undefined,
          description: connection?.description ?? '',
        }}
      >
        <Form.Item name="name" label={t('common.name')} rules={[{ required: true, message: '' }]} {...at('name')}>
          <Input disabled={!!connection} placeholder="ds-prod" />
        </Form.Item>
        <Form.Item
          name="url"
          label={t('ds.connections.url')}
          extra={t('ds.connections.urlHint')}
          rules={[{ required: true, message: '' }]}
          {...at('url')}
        >
          <Input placeholder="http://ds-api:12345" />
        </Form.Item>
        <Form.Item name="version" label={t('ds.connections.version')} {...at('version')}>
          <Radio.Group
            optionType="button"
            options={[
              { value: '3.2', label: '3.2' },
              { value: '3.3', label: '3.3' },
            ]}
          />
        </Form.Item>
        <Form.Item
          name="token"
          label={t('ds.connections.token')}
          extra={connection ? t('ds.connections.tokenKept') : t('ds.connections.tokenHint')}
          rules={[{ required: true, message: '' }]}
          {...at('token')}
        >
          <Input.Password autoComplete="new-password" visibilityToggle={false} />
        </Form.Item>
        <Form.Item name="description" label={t('common.description')} {...at('description')}>
          <Input />
        </Form.Item>
        <ProblemAlert error={save.error} shownFields={Object.keys(fields)} />
      </Form>
    </Modal>
  );
}
