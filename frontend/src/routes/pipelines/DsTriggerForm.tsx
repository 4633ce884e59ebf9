import { Form, Input, Modal, Select, Switch } from 'antd';
import { useTranslation } from 'react-i18next';
import { RUN_STATES, type DsConnection, type DsTrigger, type RunState } from '../../api/types';
import { fieldErrorMap, ProblemAlert } from '../../components/errors';
import { useSaveDsTrigger } from '../../queries/ds';

interface Values {
  connection: string;
  onState: RunState;
  projectCode: string;
  workflowCode: string;
  params?: string;
  enabled: boolean;
}

export const paramsText = (params: Record<string, string>) =>
  Object.entries(params)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');

/** "name=value" lines as a map; the first = splits, so a value may contain = itself. */
export function parseParams(text = ''): Record<string, string> {
  const out: Record<string, string> = {};
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .forEach((l) => {
      const i = l.indexOf('=');
      if (i > 0) out[l.slice(0, i).trim()] = l.slice(i + 1).trim();
    });
  return out;
}

/** Add or edit a trigger of the pipeline (operators): when a run reaches a state, start workflow W with parameters. */
export function DsTriggerForm({
  pipelineId,
  connections,
  trigger,
  open,
  onClose,
}: {
  pipelineId: number;
  connections: DsConnection[];
  trigger?: DsTrigger;
  open: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const save = useSaveDsTrigger(pipelineId);
  const [form] = Form.useForm<Values>();
  const fields = fieldErrorMap(save.error);
  const at = (path: string) => (fields[path] ? { validateStatus: 'error' as const, help: fields[path] } : {});
  const digits = [
    { required: true, message: '' },
    { pattern: /^\d{1,20}$/, message: '0-9' },
  ];

  const submit = (v: Values) =>
    save.mutate(
      {
        id: trigger?.id,
        version: trigger?.version,
        input: {
          connection: v.connection,
          onState: v.onState,
          projectCode: v.projectCode.trim(),
          workflowCode: v.workflowCode.trim(),
          params: parseParams(v.params),
          enabled: v.enabled,
        },
      },
      { onSuccess: () => onClose() },
    );

  return (
    <Modal
      open={open}
      title={trigger ? t('ds.triggers.editTitle') : t('ds.triggers.addTitle')}
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
        data-testid="ds-trigger-form"
        initialValues={{
          connection: trigger?.connection ?? connections[0]?.name,
          onState: trigger?.onState ?? 'RUNNING',
          projectCode: trigger?.projectCode,
          workflowCode: trigger?.workflowCode,
          params: trigger ? paramsText(trigger.params) : '',
          enabled: trigger?.enabled ?? true,
        }}
      >
        <Form.Item
          name="connection"
          label={t('ds.triggers.connection')}
          rules={[{ required: true, message: '' }]}
          {...at('connection')}
        >
          <Select options={connections.map((c) => ({ value: c.name, label: `${c.name} (DS ${c.version})` }))} />
        </Form.Item>
        <Form.Item name="onState" label={t('ds.triggers.onState')} {...at('onState')}>
          <Select showSearch options={RUN_STATES.map((s) => ({ value: s, label: `${t(`states.${s}`)} (${s})` }))} />
        </Form.Item>
        <Form.Item
          name="projectCode"
          label={t('ds.triggers.projectCode')}
          extra={t('ds.triggers.projectCodeHint')}
          rules={digits}
          {...at('projectCode')}
        >
          <Input inputMode="numeric" />
        </Form.Item>
        <Form.Item
          name="workflowCode"
          label={t('ds.triggers.workflowCode')}
          extra={t('ds.triggers.workflowCodeHint')}
          rules={digits}
          {...at('workflowCode')}
        >
          <Input inputMode="numeric" />
        </Form.Item>
        <Form.Item name="params" label={t('ds.triggers.params')} extra={t('ds.triggers.paramsHint')} {...at('params')}>
          <Input.TextArea rows={3} placeholder="bizdate=2026-01-01" />
        </Form.Item>
        <Form.Item name="enabled" label={t('ds.triggers.enabled')} valuePropName="checked">
          <Switch />
        </Form.Item>
        <ProblemAlert error={save.error} shownFields={Object.keys(fields)} />
      </Form>
    </Modal>
  );
}
