import { Form, Input, InputNumber, Modal, Select, Switch } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AlertRule, AlertRuleInput, AlertRuleKind } from '../../api/types';
import { RUN_STATES } from '../../api/types';
import { fieldErrorMap, ProblemAlert } from '../../components/errors';
import { useAlertChannels, useSaveAlertRule } from '../../queries/alerts';

export const RULE_KINDS: readonly AlertRuleKind[] = ['RUN_STATE', 'VERDICT', 'LAG', 'CHECKPOINT_AGE', 'RESTARTS'];
const VERDICTS = ['LAGGING', 'STALLED', 'CHECKPOINT_FAILING', 'FLAPPING'];
/** The kinds judged on health samples, which have periods and a hold time. */
const HEALTH_KINDS: ReadonlySet<AlertRuleKind> = new Set(['VERDICT', 'LAG', 'CHECKPOINT_AGE']);

interface Values {
  name: string;
  pipeline?: string;
  selector?: string;
  kind: AlertRuleKind;
  values?: string[];
  thresholdMs?: number;
  periods?: number;
  restarts?: number;
  windowMs?: number;
  severity: 'INFO' | 'WARNING' | 'CRITICAL';
  forMs?: number;
  repeatMs?: number;
  sendResolved: boolean;
  channels: string[];
  enabled: boolean;
}

/** "k=v" lines to labels. */
function parseSelector(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of (text ?? '').split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

/** Only the fields that apply to the kind are sent; the server refuses or ignores the others. */
export function ruleBody(v: Values): AlertRuleInput {
  const pipeline = v.pipeline?.trim();
  const input: AlertRuleInput = {
    name: v.name.trim(),
    kind: v.kind,
    severity: v.severity,
    channels: v.channels,
    sendResolved: v.sendResolved,
    enabled: v.enabled,
    repeatMs: v.repeatMs ?? 0,
    ...(pipeline ? { pipeline } : { selector: parseSelector(v.selector) }),
  };
  if (v.kind === 'RUN_STATE' || v.kind === 'VERDICT') input.values = v.values ?? [];
  if (v.kind === 'LAG' || v.kind === 'CHECKPOINT_AGE') input.thresholdMs = v.thresholdMs;
  if (v.kind === 'RESTARTS') Object.assign(input, { restarts: v.restarts, windowMs: v.windowMs });
  if (HEALTH_KINDS.has(v.kind)) Object.assign(input, { periods: v.periods ?? 1, forMs: v.forMs ?? 0 });
  return input;
}

/** Add or edit an alert rule (operators). */
export function AlertRuleForm({ rule, onClose }: { rule?: AlertRule; onClose: () => void }) {
  const { t } = useTranslation();
  const save = useSaveAlertRule();
  const channels = useAlertChannels();
  const [form] = Form.useForm<Values>();
  const kind = Form.useWatch('kind', form) ?? rule?.kind ?? 'RUN_STATE';
  const fields = fieldErrorMap(save.error);
  const at = (path: string) => (fields[path] ? { validateStatus: 'error' as const, help: fields[path] } : {});
  const ms = { min: 0, step: 1000, style: { width: '100%' } };

  return (
    <Modal
      open
      title={rule ? t('alerts.rules.editTitle', { name: rule.name }) : t('alerts.rules.addTitle')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
      onCancel={onClose}
      destroyOnHidden
      width={640}
    >
      <Form<Values>
        form={form}
        layout="vertical"
        data-testid="alert-rule-form"
        onFinish={(v) =>
          save.mutate(
            // the version read goes back as If-Match: a 412 says someone changed the rule meanwhile
            { existing: rule ? { id: rule.id, version: rule.version } : undefined, input: ruleBody(v) },
            { onSuccess: onClose },
          )
        }
        initialValues={{
          name: rule?.name,
          pipeline: rule?.pipeline ?? undefined,
          selector: Object.entries(rule?.selector ?? {})
            .map(([k, v]) => `${k}=${v}`)
            .join('\n'),
          kind: (rule?.kind as AlertRuleKind | undefined) ?? 'RUN_STATE',
          values: rule?.values ?? [],
          thresholdMs: rule?.thresholdMs ?? undefined,
          periods: rule?.periods ?? 1,
          restarts: rule?.restarts ?? undefined,
          windowMs: rule?.windowMs ?? undefined,
          severity: (rule?.severity as Values['severity'] | undefined) ?? 'WARNING',
          forMs: rule?.forMs ?? 0,
          repeatMs: rule?.repeatMs ?? 0,
          sendResolved: rule?.sendResolved ?? true,
          channels: rule?.channels ?? [],
          enabled: rule?.enabled ?? true,
        }}
      >
        <Form.Item name="name" label={t('common.name')} rules={[{ required: true, message: '' }]} {...at('name')}>
          <Input />
        </Form.Item>
        <Form.Item
          name="pipeline"
          label={t('alerts.rules.pipeline')}
          extra={t('alerts.rules.pipelineHint')}
          {...at('pipeline')}
        >
          <Input />
        </Form.Item>
        <Form.Item
          name="selector"
          label={t('alerts.rules.selector')}
          extra={t('alerts.rules.selectorHint')}
          {...at('selector')}
        >
          <Input.TextArea rows={2} placeholder="team=data" />
        </Form.Item>
        <Form.Item name="kind" label={t('alerts.rules.kind')} {...at('kind')}>
          <Select options={RULE_KINDS.map((k) => ({ value: k, label: t(`alerts.kinds.${k}`) }))} />
        </Form.Item>
        {kind === 'RUN_STATE' || kind === 'VERDICT' ? (
          <Form.Item
            name="values"
            label={t(kind === 'RUN_STATE' ? 'alerts.rules.states' : 'alerts.rules.verdicts')}
            rules={[{ required: true, message: '' }]}
            {...at('values')}
          >
            <Select
              mode="multiple"
              options={(kind === 'RUN_STATE' ? [...RUN_STATES] : VERDICTS).map((s) => ({ value: s, label: s }))}
            />
          </Form.Item>
        ) : null}
        {kind === 'LAG' || kind === 'CHECKPOINT_AGE' ? (
          <Form.Item
            name="thresholdMs"
            label={t('alerts.rules.thresholdMs')}
            rules={[{ required: true, message: '' }]}
            {...at('thresholdMs')}
          >
            <InputNumber {...ms} />
          </Form.Item>
        ) : null}
        {kind === 'RESTARTS' ? (
          <>
            <Form.Item
              name="restarts"
              label={t('alerts.rules.restarts')}
              rules={[{ required: true, message: '' }]}
              {...at('restarts')}
            >
              <InputNumber min={0} style={{ width: '100%' }} />
            </Form.Item>
            <Form.Item
              name="windowMs"
              label={t('alerts.rules.windowMs')}
              rules={[{ required: true, message: '' }]}
              {...at('windowMs')}
            >
              <InputNumber {...ms} />
            </Form.Item>
          </>
        ) : null}
        {HEALTH_KINDS.has(kind) ? (
          <>
            <Form.Item name="periods" label={t('alerts.rules.periods')} {...at('periods')}>
              <InputNumber min={1} style={{ width: '100%' }} />
            </Form.Item>
            <Form.Item name="forMs" label={t('alerts.rules.forMs')} {...at('forMs')}>
              <InputNumber {...ms} />
            </Form.Item>
          </>
        ) : null}
        <Form.Item name="severity" label={t('alerts.severity')} {...at('severity')}>
          <Select options={['INFO', 'WARNING', 'CRITICAL'].map((s) => ({ value: s, label: s }))} />
        </Form.Item>
        <Form.Item
          name="channels"
          label={t('alerts.rules.channels')}
          rules={[{ required: true, message: '' }]}
          {...at('channels')}
        >
          <Select
            mode="multiple"
            options={(channels.data?.items ?? []).map((c) => ({ value: c.name, label: c.name }))}
          />
        </Form.Item>
        <Form.Item name="repeatMs" label={t('alerts.rules.repeatMs')} {...at('repeatMs')}>
          <InputNumber {...ms} />
        </Form.Item>
        <Form.Item name="sendResolved" label={t('alerts.rules.sendResolved')} valuePropName="checked">
          <Switch />
        </Form.Item>
        <Form.Item name="enabled" label={t('alerts.rules.enabled')} valuePropName="checked">
          <Switch />
        </Form.Item>
      </Form>
      <ProblemAlert error={save.error} />
    </Modal>
  );
}
