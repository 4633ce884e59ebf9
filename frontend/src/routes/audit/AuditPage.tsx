import {
  App as AntApp,
  Button,
  DatePicker,
  Descriptions,
  Form,
  Input,
  Select,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import type { AuditEvent } from '../../api/types';
import { ProblemAlert } from '../../components/errors';
import { useFormat } from '../../components/format';
import { RequireRole } from '../../components/RoleGate';
import { useAudit, useExportAudit } from '../../queries/audit';
import { filterFromSearch, PAGE_SIZE, searchFromValues } from './auditFilter';

const OUTCOME_COLOR = { success: 'green', failure: 'orange', denied: 'red' } as const;

interface FormValues {
  actor?: string;
  action?: string;
  resourceType?: string;
  resourceId?: string;
  outcome?: string;
  range?: [Dayjs | null, Dayjs | null] | null;
}

function EventDetail({ event }: { event: AuditEvent }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <Descriptions size="small" column={2} bordered data-testid={`audit-detail-${event.id}`}>
      <Descriptions.Item label="id">{event.id}</Descriptions.Item>
      <Descriptions.Item label={t('common.time')}>
        {f.dateTime(event.at)} <code>{event.at}</code>
      </Descriptions.Item>
      <Descriptions.Item label={t('audit.actor')}>
        {event.actor ?? '—'} {event.actorId !== null ? <code>#{event.actorId}</code> : null}
      </Descriptions.Item>
      <Descriptions.Item label={t('audit.client')}>{event.clientAddress ?? '—'}</Descriptions.Item>
      <Descriptions.Item label={t('audit.status')}>{event.status}</Descriptions.Item>
      <Descriptions.Item label={t('audit.resourceId')}>{event.resourceId ?? '—'}</Descriptions.Item>
      <Descriptions.Item label={t('audit.detail')} span={2}>
        {event.detail && Object.keys(event.detail).length ? (
          <pre className="audit-json">{JSON.stringify(event.detail, null, 2)}</pre>
        ) : (
          t('audit.noDetail')
        )}
      </Descriptions.Item>
    </Descriptions>
  );
}

function Audit() {
  const { t } = useTranslation();
  const f = useFormat();
  const { message } = AntApp.useApp();
  const [search, setSearch] = useSearchParams();
  const filter = useMemo(() => filterFromSearch(search), [search]);
  const audit = useAudit(filter);
  const exporter = useExportAudit();
  const page = Math.floor((filter.offset ?? 0) / PAGE_SIZE) + 1;
  const total = audit.data?.total ?? 0;

  const initial: FormValues = {
    actor: search.get('actor') ?? undefined,
    action: search.get('action') ?? undefined,
    resourceType: search.get('resourceType') ?? undefined,
    resourceId: search.get('resourceId') ?? undefined,
    outcome: search.get('outcome') ?? undefined,
    range:
      search.get('since') || search.get('until')
        ? [
            search.get('since') ? dayjs(search.get('since')) : null,
            search.get('until') ? dayjs(search.get('until')) : null,
          ]
        : null,
  };

  const apply = (v: FormValues) =>
    setSearch(
      searchFromValues({
        actor: v.actor?.trim(),
        action: v.action?.trim(),
        resourceType: v.resourceType?.trim(),
        resourceId: v.resourceId?.trim(),
        outcome: v.outcome,
        since: v.range?.[0]?.toISOString(),
        until: v.range?.[1]?.toISOString(),
      }),
    );

  const toPage = (n: number) => {
    const next = new URLSearchParams(search);
    if (n > 1) next.set('page', String(n));
    else next.delete('page');
    setSearch(next);
  };

  return (
    <div className="page" data-testid="audit-page">
      <div className="page-head">
        <Typography.Title level={2}>{t('audit.title')}</Typography.Title>
        <Tooltip title={t('audit.exportHint', { count: total })}>
          <Button
            data-testid="audit-export"
            loading={exporter.isPending}
            disabled={!audit.data}
            onClick={() =>
              exporter.mutate(filter, { onSuccess: (name) => void message.success(t('audit.exported', { name })) })
            }
          >
            {t('audit.export')}
          </Button>
        </Tooltip>
      </div>
      <Form<FormValues>
        layout="inline"
        className="audit-filters"
        initialValues={initial}
        onFinish={apply}
        key={search.toString()}
      >
        <Form.Item name="actor" label={t('audit.actor')}>
          <Input allowClear style={{ width: 140 }} data-testid="audit-actor" />
        </Form.Item>
        <Form.Item name="action" label={t('audit.action')}>
          <Input
            allowClear
            placeholder={t('audit.actionPlaceholder')}
            style={{ width: 170 }}
            data-testid="audit-action"
          />
        </Form.Item>
        <Form.Item name="resourceType" label={t('audit.resourceType')}>
          <Input allowClear style={{ width: 120 }} data-testid="audit-resource-type" />
        </Form.Item>
        <Form.Item name="resourceId" label={t('audit.resourceId')}>
          <Input allowClear style={{ width: 120 }} data-testid="audit-resource-id" />
        </Form.Item>
        <Form.Item name="outcome" label={t('audit.outcome')}>
          <Select
            allowClear
            style={{ width: 120 }}
            data-testid="audit-outcome"
            options={(['success', 'failure', 'denied'] as const).map((o) => ({
              value: o,
              label: t(`audit.outcomes.${o}`),
            }))}
          />
        </Form.Item>
        <Form.Item name="range" label={t('audit.range')}>
          <DatePicker.RangePicker showTime allowEmpty={[true, true]} data-testid="audit-range" />
        </Form.Item>
        <Space>
          <Button type="primary" htmlType="submit" data-testid="audit-apply">
            {t('audit.apply')}
          </Button>
          <Button onClick={() => setSearch(new URLSearchParams())}>{t('audit.clear')}</Button>
        </Space>
      </Form>
      <ProblemAlert error={audit.error} onRetry={() => audit.refetch()} />
      <ProblemAlert error={exporter.error} />
      <Table<AuditEvent>
        size="small"
        rowKey="id"
        className="section-gap"
        data-testid="audit-table"
        loading={audit.isFetching}
        dataSource={audit.data?.items ?? []}
        locale={{ emptyText: t('audit.empty') }}
        expandable={{ expandedRowRender: (e) => <EventDetail event={e} />, expandRowByClick: true }}
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          total,
          showSizeChanger: false,
          showTotal: (n) => t('common.total', { count: n }),
          onChange: toPage,
        }}
        columns={[
          { title: t('common.time'), width: 190, render: (_, e) => f.dateTime(e.at) },
          { title: t('audit.actor'), render: (_, e) => e.actor ?? '—' },
          { title: t('audit.action'), render: (_, e) => <code>{e.action}</code> },
          {
            title: t('audit.resourceType'),
            render: (_, e) => (e.resourceType ? `${e.resourceType}${e.resourceId ? ` ${e.resourceId}` : ''}` : '—'),
          },
          {
            title: t('audit.outcome'),
            render: (_, e) => <Tag color={OUTCOME_COLOR[e.outcome]}>{t(`audit.outcomes.${e.outcome}`)}</Tag>,
          },
          { title: t('audit.status'), dataIndex: 'status', width: 90 },
          { title: t('audit.client'), render: (_, e) => e.clientAddress ?? '—' },
        ]}
      />
    </div>
  );
}

export default function AuditPage() {
  return (
    <RequireRole min="admin">
      <Audit />
    </RequireRole>
  );
}
