import { Form, Input, Modal, Radio, Select, Switch } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Cluster, ClusterInput } from '../../api/types';
import { fieldErrorMap, ProblemAlert } from '../../components/errors';
import { labelsText, parseLabels } from '../../components/labels';
import { useSaveCluster } from '../../queries/clusters';

interface Values {
  name: string;
  restUrl: string;
  description?: string;
  authType: 'none' | 'basic' | 'bearer';
  username?: string;
  secret?: string;
  caPem?: string;
  insecure: boolean;
  headers?: string;
  labels?: string;
  cdcMode: 'provided' | 'shipped';
  cdcVersion: string;
}

// Extra headers as "Name: value" lines; the server answers a secret one's value as ******, which sent back keeps it.
const headersText = (headers: Record<string, string>) =>
  Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');

function parseHeaders(text = ''): Record<string, string> {
  const out: Record<string, string> = {};
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .forEach((l) => {
      const i = l.indexOf(':');
      if (i > 0) out[l.slice(0, i).trim()] = l.slice(i + 1).trim();
    });
  return out;
}

/** Add or edit a cluster (admins). Secrets come back as ******, which the server reads as "keep". */
export function ClusterForm({
  cluster,
  open,
  onClose,
}: {
  cluster?: Cluster;
  open: boolean;
  onClose: (saved?: Cluster) => void;
}) {
  const { t } = useTranslation();
  const save = useSaveCluster();
  const [form] = Form.useForm<Values>();
  const authType = Form.useWatch('authType', form) ?? cluster?.auth.type ?? 'none';
  const cdcMode = Form.useWatch('cdcMode', form) ?? cluster?.cdc.mode ?? 'provided';
  const fields = fieldErrorMap(save.error);
  const at = (path: string) => (fields[path] ? { validateStatus: 'error' as const, help: fields[path] } : {});

  const submit = (v: Values) => {
    const input: ClusterInput = {
      name: v.name,
      restUrl: v.restUrl,
      description: v.description ?? '',
      auth:
        v.authType === 'none'
          ? { type: 'none' }
          : v.authType === 'basic'
            ? { type: 'basic', username: v.username, password: v.secret }
            : { type: 'bearer', token: v.secret },
      headers: parseHeaders(v.headers),
      tls: { insecure: v.insecure, caPem: v.caPem?.trim() || undefined },
      labels: parseLabels(v.labels).labels,
      cdc: { mode: v.cdcMode, version: v.cdcVersion?.trim() || null },
    };
    save.mutate({ id: cluster?.id, input, version: cluster?.version }, { onSuccess: (c) => onClose(c) });
  };

  return (
    <Modal
      open={open}
      title={cluster ? t('cluster.editTitle', { name: cluster.name }) : t('cluster.addTitle')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
      onCancel={() => onClose()}
      destroyOnHidden
      width={640}
    >
      <Form<Values>
        form={form}
        layout="vertical"
        onFinish={submit}
        // the stored secret belongs to the stored kind of authentication: another kind starts empty
        onValuesChange={(changed: Partial<Values>) => {
          if (
            changed.authType &&
            changed.authType !== cluster?.auth.type &&
            form.getFieldValue('secret') === '******'
          ) {
            form.setFieldValue('secret', '');
          }
        }}
        data-testid="cluster-form"
        initialValues={{
          name: cluster?.name,
          restUrl: cluster?.restUrl,
          description: cluster?.description ?? '',
          authType: cluster?.auth.type ?? 'none',
          username: cluster?.auth.username ?? undefined,
          secret: cluster?.auth.password ?? cluster?.auth.token ?? undefined,
          caPem: cluster?.tls.caPem ?? undefined,
          insecure: cluster?.tls.insecure ?? false,
          headers: cluster ? headersText(cluster.headers) : '',
          labels: cluster ? labelsText(cluster.labels) : '',
          cdcMode: cluster?.cdc.mode ?? 'provided',
          cdcVersion: cluster?.cdc.version ?? '',
        }}
      >
        <Form.Item name="name" label={t('common.name')} rules={[{ required: true, message: '' }]} {...at('name')}>
          <Input />
        </Form.Item>
        <Form.Item
          name="restUrl"
          label={t('cluster.restUrl')}
          rules={[{ required: true, message: '' }]}
          {...at('restUrl')}
        >
          <Input placeholder="http://jobmanager:8081" />
        </Form.Item>
        <Form.Item name="description" label={t('common.description')} {...at('description')}>
          <Input />
        </Form.Item>
        <Form.Item name="authType" label={t('cluster.authType')} {...at('auth.type')}>
          <Radio.Group
            options={[
              { value: 'none', label: t('cluster.authNone') },
              { value: 'basic', label: t('cluster.authBasic') },
              { value: 'bearer', label: t('cluster.authBearer') },
            ]}
          />
        </Form.Item>
        {authType === 'basic' ? (
          <Form.Item name="username" label={t('cluster.username')} {...at('auth.username')}>
            <Input autoComplete="off" />
          </Form.Item>
        ) : null}
        {authType !== 'none' ? (
          <Form.Item
            name="secret"
            label={authType === 'basic' ? t('cluster.password') : t('cluster.token')}
            extra={cluster ? t('cluster.secretKept') : undefined}
            {...at(authType === 'basic' ? 'auth.password' : 'auth.token')}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        ) : null}
        <Form.Item name="caPem" label={t('cluster.tlsCa')} {...at('tls.caPem')}>
          <Input.TextArea rows={3} placeholder="-----BEGIN CERTIFICATE-----" />
        </Form.Item>
        <Form.Item name="insecure" label={t('cluster.insecure')} valuePropName="checked">
          <Switch />
        </Form.Item>
        <Form.Item name="headers" label={t('cluster.headers')} extra={t('cluster.headersHint')} {...at('headers')}>
          <Input.TextArea rows={2} placeholder="X-Gateway-Key: …" autoComplete="off" />
        </Form.Item>
        <Form.Item name="labels" label={t('common.labels')} extra={t('cluster.labelsHint')} {...at('labels')}>
          <Input.TextArea rows={2} />
        </Form.Item>
        <Form.Item name="cdcMode" label={t('cluster.cdcMode')} {...at('cdc.mode')}>
          <Select
            options={[
              { value: 'provided', label: t('cluster.cdcProvided') },
              { value: 'shipped', label: t('cluster.cdcShipped') },
            ]}
          />
        </Form.Item>
        <Form.Item
          name="cdcVersion"
          label={t('cluster.cdcVersion')}
          extra={t('cluster.cdcVersionHint')}
          // detected from the cluster's class path when the cluster provides Flink CDC; the shipped jars need it
          rules={[{ required: cdcMode === 'shipped', message: '' }]}
          {...at('cdc.version')}
        >
          <Input />
        </Form.Item>
        <ProblemAlert error={save.error} shownFields={Object.keys(fields)} />
      </Form>
    </Modal>
  );
}
