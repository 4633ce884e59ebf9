import {
  App as AntApp,
  Alert,
  Button,
  DatePicker,
  Form,
  Input,
  Modal,
  Popconfirm,
  Segmented,
  Space,
  Table,
  Tabs,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import type { AlertChannel, AlertDelivery, AlertDeliveryStatus, AlertRule, AlertSilence } from '../../api/types';
import { errorText, ProblemAlert } from '../../components/errors';
import { useFormat } from '../../components/format';
import { RoleGate, useHasRole } from '../../components/RoleGate';
import {
  useAlertChannels,
  useAlertDeliveries,
  useAlertRules,
  useAlertSilences,
  useCreateAlertSilence,
  useDeleteAlertChannel,
  useDeleteAlertRule,
  useDeleteAlertSilence,
  useFiringAlerts,
  useRetryAlertDelivery,
  useTestAlertChannel,
} from '../../queries/alerts';
import { AlertChannelForm } from './AlertChannelForm';
import { AlertRuleForm } from './AlertRuleForm';

const SEVERITY_COLOR: Record<string, string> = { INFO: 'blue', WARNING: 'orange', CRITICAL: 'red' };
const STATUS_COLOR: Record<string, string> = { PENDING: 'gold', FIRING: 'red', DELIVERED: 'green', FAILED: 'red' };

function Severity({ s }: { s: string }) {
  return <Tag color={SEVERITY_COLOR[s]}>{s}</Tag>;
}

function FiringTab() {
  const { t } = useTranslation();
  const f = useFormat();
  const alerts = useFiringAlerts();
  return (
    <>
      <ProblemAlert error={alerts.error} onRetry={() => alerts.refetch()} />
      <Table
        rowKey={(a) => `${a.rule}/${a.pipeline}`}
        loading={alerts.isLoading}
        dataSource={alerts.data?.items ?? []}
        pagination={false}
        locale={{ emptyText: t('alerts.firing.empty') }}
        data-testid="alerts-firing"
        columns={[
          {
            title: t('alerts.status'),
            dataIndex: 'status',
            render: (s: string) => <Tag color={STATUS_COLOR[s]}>{t(`alerts.statuses.${s as 'FIRING'}`)}</Tag>,
          },
          { title: t('alerts.severity'), dataIndex: 'severity', render: (s: string) => <Severity s={s} /> },
          { title: t('alerts.rule'), dataIndex: 'rule', render: (r: string) => <strong>{r}</strong> },
          { title: t('alerts.pipeline'), dataIndex: 'pipeline' },
          { title: t('alerts.firing.summary'), dataIndex: 'summary' },
          { title: t('alerts.firing.since'), dataIndex: 'since', render: (at: string) => f.dateTime(at) },
          { title: t('alerts.firing.firedAt'), dataIndex: 'firedAt', render: (at: string | null) => f.dateTime(at) },
        ]}
      />
    </>
  );
}

function RulesTab() {
  const { t } = useTranslation();
  const f = useFormat();
  const rules = useAlertRules();
  const del = useDeleteAlertRule();
  const canWrite = useHasRole('operator');
  const [editing, setEditing] = useState<AlertRule | 'new' | null>(null);
  const condition = (r: AlertRule) => {
    if (r.kind === 'LAG' || r.kind === 'CHECKPOINT_AGE') return `> ${f.duration(r.thresholdMs)}`;
    if (r.kind === 'RESTARTS')
      return t('alerts.rules.restartsCondition', { n: r.restarts ?? 0, window: f.duration(r.windowMs) });
    return r.values.join(', ');
  };
  return (
    <>
      <RoleGate min="operator">
        <Button
          type="primary"
          data-testid="alert-rule-add"
          onClick={() => setEditing('new')}
          style={{ marginBottom: 12 }}
        >
          {t('alerts.rules.add')}
        </Button>
      </RoleGate>
      <ProblemAlert error={del.error} />
      <ProblemAlert error={rules.error} onRetry={() => rules.refetch()} />
      <Table<AlertRule>
        rowKey="id"
        loading={rules.isLoading}
        dataSource={rules.data?.items ?? []}
        pagination={false}
        locale={{ emptyText: t('alerts.rules.empty') }}
        data-testid="alert-rules"
        columns={[
          {
            title: t('common.name'),
            dataIndex: 'name',
            render: (n: string, r) => (
              <Space>
                <strong>{n}</strong>
                {r.enabled ? null : <Tag>{t('alerts.rules.off')}</Tag>}
              </Space>
            ),
          },
          {
            title: t('alerts.rules.scope'),
            key: 'scope',
            render: (_, r) =>
              r.pipeline ??
              (Object.keys(r.selector).length
                ? Object.entries(r.selector).map(([k, v]) => <Tag key={k}>{`${k}=${v}`}</Tag>)
                : t('alerts.rules.everyPipeline')),
          },
          {
            title: t('alerts.rules.kind'),
            dataIndex: 'kind',
            render: (k: string) => t(`alerts.kinds.${k as 'LAG'}`, { defaultValue: k }),
          },
          { title: t('alerts.rules.condition'), key: 'condition', render: (_, r) => condition(r) },
          { title: t('alerts.severity'), dataIndex: 'severity', render: (s: string) => <Severity s={s} /> },
          {
            title: t('alerts.rules.channels'),
            dataIndex: 'channels',
            render: (cs: string[]) => cs.map((c) => <Tag key={c}>{c}</Tag>),
          },
          ...(canWrite
            ? [
                {
                  title: '',
                  key: 'actions',
                  render: (_: unknown, r: AlertRule) => (
                    <Space>
                      <Button size="small" onClick={() => setEditing(r)}>
                        {t('common.edit')}
                      </Button>
                      <Popconfirm
                        title={t('alerts.rules.deleteConfirm', { name: r.name })}
                        okText={t('common.delete')}
                        cancelText={t('common.cancel')}
                        onConfirm={() => del.mutate({ id: r.id, version: r.version })}
                      >
                        <Button size="small" danger>
                          {t('common.delete')}
                        </Button>
                      </Popconfirm>
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      {editing ? (
        <AlertRuleForm rule={editing === 'new' ? undefined : editing} onClose={() => setEditing(null)} />
      ) : null}
    </>
  );
}

type TestAnswer = { delivered: boolean; message: string } | string;

function ChannelsTab() {
  const { t } = useTranslation();
  const channels = useAlertChannels();
  const test = useTestAlertChannel();
  const del = useDeleteAlertChannel();
  const isAdmin = useHasRole('admin');
  const [editing, setEditing] = useState<AlertChannel | 'new' | null>(null);
  const [answers, setAnswers] = useState<Record<string, TestAnswer>>({});
  const runTest = (name: string) =>
    test.mutate(name, {
      onSuccess: (o) => setAnswers((all) => ({ ...all, [name]: o })),
      onError: (e) => setAnswers((all) => ({ ...all, [name]: errorText(e, t) })),
    });
  const target = (c: AlertChannel) => {
    const cfg = c.config;
    if (!cfg) return null;
    const text =
      c.type === 'email'
        ? `${cfg.host ?? ''}:${cfg.port ?? ''} → ${Array.isArray(cfg.to) ? cfg.to.join(', ') : (cfg.to ?? '')}`
        : (cfg.url ?? '');
    return <Typography.Text code>{text}</Typography.Text>;
  };
  return (
    <>
      <RoleGate min="admin">
        <Button
          type="primary"
          data-testid="alert-channel-add"
          onClick={() => setEditing('new')}
          style={{ marginBottom: 12 }}
        >
          {t('alerts.channels.add')}
        </Button>
      </RoleGate>
      {del.error instanceof ApiError && del.error.status === 409 ? (
        <Alert type="error" showIcon title={t('alerts.channels.deleteRefused')} />
      ) : (
        <ProblemAlert error={del.error} />
      )}
      <ProblemAlert error={channels.error} onRetry={() => channels.refetch()} />
      <Table<AlertChannel>
        rowKey="id"
        loading={channels.isLoading}
        dataSource={channels.data?.items ?? []}
        pagination={false}
        locale={{ emptyText: t('alerts.channels.empty') }}
        data-testid="alert-channels"
        columns={[
          { title: t('common.name'), dataIndex: 'name', render: (n: string) => <strong>{n}</strong> },
          {
            title: t('alerts.channels.type'),
            dataIndex: 'type',
            render: (k: string) => <Tag>{t(`alerts.channelTypes.${k as 'email'}`, { defaultValue: k })}</Tag>,
          },
          ...(isAdmin
            ? [
                {
                  title: t('alerts.channels.target'),
                  key: 'target',
                  render: (_: unknown, c: AlertChannel) => target(c),
                },
                { title: t('common.description'), dataIndex: 'description' },
                {
                  title: '',
                  key: 'actions',
                  render: (_: unknown, c: AlertChannel) => {
                    const answer = answers[c.name];
                    return (
                      <Space orientation="vertical" size="small">
                        <Space wrap>
                          <Button
                            size="small"
                            data-testid="alert-channel-test"
                            loading={test.isPending && test.variables === c.name}
                            onClick={() => runTest(c.name)}
                          >
                            {t('alerts.channels.test')}
                          </Button>
                          <Button size="small" onClick={() => setEditing(c)}>
                            {t('common.edit')}
                          </Button>
                          <Popconfirm
                            title={t('alerts.channels.deleteConfirm', { name: c.name })}
                            okText={t('common.delete')}
                            cancelText={t('common.cancel')}
                            onConfirm={() => del.mutate({ name: c.name, version: c.version ?? 0 })}
                          >
                            <Button size="small" danger>
                              {t('common.delete')}
                            </Button>
                          </Popconfirm>
                        </Space>
                        {answer === undefined ? null : typeof answer === 'string' ? (
                          <Typography.Text type="danger">{answer}</Typography.Text>
                        ) : (
                          <Space data-testid="alert-test-outcome" data-delivered={String(answer.delivered)}>
                            <Tag color={answer.delivered ? 'green' : 'red'}>
                              {answer.delivered ? t('alerts.channels.delivered') : t('alerts.channels.notDelivered')}
                            </Tag>
                            <Typography.Text type="secondary">{answer.message}</Typography.Text>
                          </Space>
                        )}
                      </Space>
                    );
                  },
                },
              ]
            : []),
        ]}
      />
      {editing ? (
        <AlertChannelForm channel={editing === 'new' ? undefined : editing} onClose={() => setEditing(null)} />
      ) : null}
    </>
  );
}

function SilencesTab() {
  const { t } = useTranslation();
  const f = useFormat();
  const silences = useAlertSilences();
  const create = useCreateAlertSilence();
  const del = useDeleteAlertSilence();
  const canWrite = useHasRole('operator');
  const [adding, setAdding] = useState(false);
  const [form] = Form.useForm<{ pipeline: string; until: Dayjs; reason?: string }>();
  return (
    <>
      <RoleGate min="operator">
        <Button
          type="primary"
          data-testid="alert-silence-add"
          onClick={() => setAdding(true)}
          style={{ marginBottom: 12 }}
        >
          {t('alerts.silences.add')}
        </Button>
      </RoleGate>
      <ProblemAlert error={del.error} />
      <ProblemAlert error={silences.error} onRetry={() => silences.refetch()} />
      <Table<AlertSilence>
        rowKey="id"
        loading={silences.isLoading}
        dataSource={silences.data?.items ?? []}
        pagination={false}
        locale={{ emptyText: t('alerts.silences.empty') }}
        data-testid="alert-silences"
        columns={[
          { title: t('alerts.pipeline'), dataIndex: 'pipeline', render: (p: string) => <strong>{p}</strong> },
          { title: t('alerts.silences.until'), dataIndex: 'until', render: (at: string) => f.dateTime(at) },
          { title: t('alerts.silences.reason'), dataIndex: 'reason' },
          { title: t('alerts.silences.by'), dataIndex: 'createdBy', render: (b: string | null) => b ?? '—' },
          ...(canWrite
            ? [
                {
                  title: '',
                  key: 'actions',
                  render: (_: unknown, s: AlertSilence) => (
                    <Popconfirm
                      title={t('alerts.silences.deleteConfirm', { pipeline: s.pipeline })}
                      okText={t('alerts.silences.end')}
                      cancelText={t('common.cancel')}
                      onConfirm={() => del.mutate({ id: s.id, version: s.version })}
                    >
                      <Button size="small" danger>
                        {t('alerts.silences.end')}
                      </Button>
                    </Popconfirm>
                  ),
                },
              ]
            : []),
        ]}
      />
      <Modal
        open={adding}
        title={t('alerts.silences.add')}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        confirmLoading={create.isPending}
        onOk={() => form.submit()}
        onCancel={() => setAdding(false)}
        destroyOnHidden
      >
        <Form
          form={form}
          layout="vertical"
          data-testid="alert-silence-form"
          onFinish={(v) =>
            create.mutate(
              {
                pipeline: v.pipeline.trim(),
                until: v.until.toISOString(),
                ...(v.reason?.trim() ? { reason: v.reason.trim() } : {}),
              },
              { onSuccess: () => setAdding(false) },
            )
          }
        >
          <Form.Item name="pipeline" label={t('alerts.pipeline')} rules={[{ required: true, message: '' }]}>
            <Input />
          </Form.Item>
          <Form.Item name="until" label={t('alerts.silences.until')} rules={[{ required: true, message: '' }]}>
            <DatePicker showTime style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name="reason" label={t('alerts.silences.reason')}>
            <Input />
          </Form.Item>
        </Form>
        <ProblemAlert error={create.error} />
      </Modal>
    </>
  );
}

function DeliveriesTab() {
  const { t } = useTranslation();
  const f = useFormat();
  const { message } = AntApp.useApp();
  const [status, setStatus] = useState<AlertDeliveryStatus | 'ALL'>('ALL');
  const deliveries = useAlertDeliveries(status === 'ALL' ? undefined : status);
  const retry = useRetryAlertDelivery();
  const canRetry = useHasRole('operator');
  return (
    <>
      <Segmented
        data-testid="alert-delivery-status"
        style={{ marginBottom: 12 }}
        value={status}
        onChange={(v) => setStatus(v as AlertDeliveryStatus | 'ALL')}
        options={[
          { value: 'ALL', label: t('alerts.deliveries.all') },
          ...(['PENDING', 'DELIVERED', 'FAILED'] as const).map((s) => ({ value: s, label: t(`alerts.statuses.${s}`) })),
        ]}
      />
      <ProblemAlert error={retry.error} />
      <ProblemAlert error={deliveries.error} onRetry={() => deliveries.refetch()} />
      <Table<AlertDelivery>
        rowKey="id"
        loading={deliveries.isLoading}
        dataSource={deliveries.data?.items ?? []}
        pagination={false}
        locale={{ emptyText: t('alerts.deliveries.empty') }}
        data-testid="alert-deliveries"
        columns={[
          { title: t('alerts.deliveries.created'), dataIndex: 'createdAt', render: (at: string) => f.dateTime(at) },
          { title: t('alerts.deliveries.event'), dataIndex: 'event', render: (e: string) => <Tag>{e}</Tag> },
          { title: t('alerts.deliveries.channel'), dataIndex: 'channel' },
          { title: t('alerts.rule'), dataIndex: 'rule', render: (r: string | null) => r ?? '—' },
          { title: t('alerts.pipeline'), dataIndex: 'pipeline', render: (p: string | null) => p ?? '—' },
          {
            title: t('alerts.status'),
            dataIndex: 'status',
            render: (s: string) => <Tag color={STATUS_COLOR[s]}>{t(`alerts.statuses.${s as 'FAILED'}`)}</Tag>,
          },
          { title: t('alerts.deliveries.attempts'), dataIndex: 'attempts' },
          {
            title: t('alerts.deliveries.outcome'),
            key: 'outcome',
            render: (_, d) =>
              d.lastError ? (
                <Tooltip title={d.lastError}>
                  <Typography.Text type="danger" ellipsis style={{ maxWidth: 280 }}>
                    {d.lastError}
                  </Typography.Text>
                </Tooltip>
              ) : d.deliveredAt ? (
                f.dateTime(d.deliveredAt)
              ) : d.nextAttemptAt ? (
                t('alerts.deliveries.next', { at: f.dateTime(d.nextAttemptAt) })
              ) : (
                '—'
              ),
          },
          ...(canRetry
            ? [
                {
                  title: '',
                  key: 'actions',
                  render: (_: unknown, d: AlertDelivery) =>
                    d.status === 'DELIVERED' ? null : (
                      <Button
                        size="small"
                        data-testid="alert-delivery-retry"
                        loading={retry.isPending && retry.variables === d.id}
                        onClick={() =>
                          retry.mutate(d.id, { onSuccess: () => void message.success(t('alerts.deliveries.retried')) })
                        }
                      >
                        {t('alerts.deliveries.retry')}
                      </Button>
                    ),
                },
              ]
            : []),
        ]}
      />
    </>
  );
}

/** Alerting: what fires now, the rules, the channels, the silences and the deliveries; everyone reads, writes by role. */
export default function AlertsPage() {
  const { t } = useTranslation();
  return (
    <div className="page" data-testid="alerts-page">
      <div className="page-head">
        <Typography.Title level={2}>{t('alerts.title')}</Typography.Title>
      </div>
      <Typography.Paragraph type="secondary">{t('alerts.intro')}</Typography.Paragraph>
      <Tabs
        destroyOnHidden
        items={[
          { key: 'firing', label: t('alerts.tabs.firing'), children: <FiringTab /> },
          { key: 'rules', label: t('alerts.tabs.rules'), children: <RulesTab /> },
          { key: 'channels', label: t('alerts.tabs.channels'), children: <ChannelsTab /> },
          { key: 'silences', label: t('alerts.tabs.silences'), children: <SilencesTab /> },
          { key: 'deliveries', label: t('alerts.tabs.deliveries'), children: <DeliveriesTab /> },
        ]}
      />
    </div>
  );
}
