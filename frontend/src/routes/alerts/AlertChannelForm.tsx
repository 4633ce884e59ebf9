import { Form, Input, InputNumber, Modal, Select, Switch } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AlertChannel, AlertChannelConfig, AlertChannelType } from '../../api/types';
import { fieldErrorMap, ProblemAlert } from '../../components/errors';
import { useSaveAlertChannel } from '../../queries/alerts';

export const CHANNEL_TYPES: readonly AlertChannelType[] = ['webhook', 'dingtalk', 'feishu', 'wecom', 'email'];
/** The robots' URLs carry their token: secret, like the sign secret and the mail password. */
const ROBOTS: ReadonlySet<AlertChannelType> = new Set(['dingtalk', 'feishu', 'wecom']);

interface Values {
  name: string;
  type: AlertChannelType;
  description?: string;
  url?: string;
  secret?: string;
  host?: string;
  port?: number;
  from?: string;
  to?: string;
  username?: string;
  password?: string;
  starttls?: 'DISABLED' | 'OPTIONAL' | 'REQUIRED';
  ssl?: boolean;
}

const blank = (s: string | undefined) => (s?.trim() ? s.trim() : undefined);

/** The settings of the type only; empty optional ones left out. */
export function channelConfig(v: Values): AlertChannelConfig {
  if (v.type === 'email') {
    const to = (v.to ?? '').split(/[,\s]+/).filter(Boolean);
    return {
      host: v.host?.trim(),
      port: v.port,
      from: v.from?.trim(),
      to,
      ...(blank(v.username) ? { username: blank(v.username), password: v.password ?? '' } : {}),
      starttls: v.starttls ?? 'OPTIONAL',
      ssl: v.ssl ?? false,
    };
  }
  return { url: v.url?.trim(), ...(v.type !== 'wecom' && blank(v.secret) ? { secret: blank(v.secret) } : {}) };
}

/** Add or edit a channel (admins). Secret settings are write-only: an existing channel shows the mask, which keeps them. */
export function AlertChannelForm({ channel, onClose }: { channel?: AlertChannel; onClose: () => void }) {
  const { t } = useTranslation();
  const save = useSaveAlertChannel();
  const [form] = Form.useForm<Values>();
  const type: AlertChannelType = Form.useWatch('type', form) ?? channel?.type ?? 'webhook';
  const fields = fieldErrorMap(save.error);
  const at = (path: string) => (fields[path] ? { validateStatus: 'error' as const, help: fields[path] } : {});
  const c = channel?.config;
  const secretInput = <Input.Password autoComplete="new-password" visibilityToggle={false} />;
  const kept = channel ? t('alerts.channels.secretKept') : undefined;

  return (
    <Modal
      open
      title={channel ? t('alerts.channels.editTitle', { name: channel.name }) : t('alerts.channels.addTitle')}
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
        data-testid="alert-channel-form"
        onFinish={(v) =>
          save.mutate(
            {
              // the version read goes back as If-Match: a 412 says someone changed the channel meanwhile
              existing: channel ? { name: channel.name, version: channel.version ?? 0 } : undefined,
              input: { name: v.name, type: v.type, config: channelConfig(v), description: v.description ?? '' },
            },
            { onSuccess: onClose },
          )
        }
        initialValues={{
          name: channel?.name,
          type: channel?.type ?? 'webhook',
          description: channel?.description ?? '',
          url: c?.url,
          secret: c?.secret,
          host: c?.host,
          port: c?.port ?? 587,
          from: c?.from,
          to: Array.isArray(c?.to) ? c.to.join(', ') : c?.to,
          username: c?.username,
          password: c?.password,
          starttls: c?.starttls ?? 'OPTIONAL',
          ssl: c?.ssl ?? false,
        }}
      >
        <Form.Item name="name" label={t('common.name')} rules={[{ required: true, message: '' }]} {...at('name')}>
          <Input disabled={!!channel} />
        </Form.Item>
        <Form.Item name="type" label={t('alerts.channels.type')} {...at('type')}>
          <Select
            disabled={!!channel}
            options={CHANNEL_TYPES.map((k) => ({ value: k, label: t(`alerts.channelTypes.${k}`) }))}
          />
        </Form.Item>
        {type === 'email' ? (
          <>
            <Form.Item
              name="host"
              label={t('alerts.channels.host')}
              rules={[{ required: true, message: '' }]}
              {...at('config.host')}
            >
              <Input placeholder="smtp.example.com" />
            </Form.Item>
            <Form.Item name="port" label={t('alerts.channels.port')} {...at('config.port')}>
              <InputNumber min={1} max={65535} style={{ width: '100%' }} />
            </Form.Item>
            <Form.Item
              name="from"
              label={t('alerts.channels.from')}
              rules={[{ required: true, message: '' }]}
              {...at('config.from')}
            >
              <Input />
            </Form.Item>
            <Form.Item
              name="to"
              label={t('alerts.channels.to')}
              extra={t('alerts.channels.toHint')}
              rules={[{ required: true, message: '' }]}
              {...at('config.to')}
            >
              <Input />
            </Form.Item>
            <Form.Item name="username" label={t('alerts.channels.username')} {...at('config.username')}>
              <Input autoComplete="off" />
            </Form.Item>
            <Form.Item name="password" label={t('alerts.channels.password')} extra={kept} {...at('config.password')}>
              {secretInput}
            </Form.Item>
            <Form.Item name="starttls" label="STARTTLS" {...at('config.starttls')}>
              <Select options={['DISABLED', 'OPTIONAL', 'REQUIRED'].map((s) => ({ value: s, label: s }))} />
            </Form.Item>
            <Form.Item name="ssl" label="SSL/TLS" valuePropName="checked">
              <Switch />
            </Form.Item>
          </>
        ) : (
          <>
            <Form.Item
              name="url"
              label={t('alerts.channels.url')}
              extra={ROBOTS.has(type) ? (kept ?? t('alerts.channels.robotUrlHint')) : undefined}
              rules={[{ required: true, message: '' }]}
              {...at('config.url')}
            >
              {ROBOTS.has(type) ? secretInput : <Input placeholder="https://hooks.example.com/alerts" />}
            </Form.Item>
            {type === 'wecom' ? null : (
              <Form.Item
                name="secret"
                label={t('alerts.channels.secret')}
                extra={kept ?? t('alerts.channels.secretHint')}
                {...at('config.secret')}
              >
                {secretInput}
              </Form.Item>
            )}
          </>
        )}
        <Form.Item name="description" label={t('common.description')} {...at('description')}>
          <Input />
        </Form.Item>
      </Form>
      <ProblemAlert error={save.error} />
    </Modal>
  );
}
