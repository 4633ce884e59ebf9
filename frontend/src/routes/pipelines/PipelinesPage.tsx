import { Button, Checkbox, Input, Select, Space, Table, Typography } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import type { PipelineFilter } from '../../api/pipelines';
import { RUN_STATES, type Pipeline } from '../../api/types';
import { ProblemAlert } from '../../components/errors';
import { useFormat } from '../../components/format';
import { RoleGate } from '../../components/RoleGate';
import { HealthBadge } from '../../components/HealthBadge';
import { StateBadge } from '../../components/StateBadge';
import { useClusters } from '../../queries/clusters';
import { usePipelines } from '../../queries/pipelines';
import { PipelineActions } from './PipelineActions';

const PAGE_SIZE = 20;
const SORTS = ['name', '-name', 'updatedAt', '-updatedAt', 'state', '-state'] as const;
const SORT_LABEL = {
  name: 'sortName',
  '-name': 'sortNameDesc',
  updatedAt: 'sortUpdated',
  '-updatedAt': 'sortUpdatedDesc',
  state: 'sortState',
  '-state': 'sortStateDesc',
} as const;

/** The filter lives in the URL, so a filtered list can be shared and survives reload. */
function useFilter(): [PipelineFilter & { page: number }, (patch: Record<string, string | undefined>) => void] {
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
  const filter = {
    name: params.get('name') ?? undefined,
    cluster: params.get('cluster') ?? undefined,
    label: params.get('label') ?? undefined,
    state: params.get('state') ?? undefined,
    stale: params.get('stale') === 'true' || undefined,
    sort: SORTS.find((s) => s === params.get('sort')) ?? 'name',
    limit: PAGE_SIZE,
    offset: (page - 1) * PAGE_SIZE,
    page,
  };
  const update = (patch: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    Object.entries(patch).forEach(([k, v]) => (v ? next.set(k, v) : next.delete(k)));
    if (!('page' in patch)) next.delete('page');
    setParams(next, { replace: true });
  };
  return [filter, update];
}

export default function PipelinesPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const [filter, update] = useFilter();
  const { page, ...query } = filter;
  const pipelines = usePipelines(query);
  const clusters = useClusters();
  const clusterNames = useMemo(() => new Map(clusters.data?.items.map((c) => [c.id, c.name])), [clusters.data]);
  const clusterName = (id: number) => clusterNames.get(id) ?? String(id);

  return (
    <div className="page" data-testid="pipelines-page">
      <div className="page-head">
        <Typography.Title level={2}>{t('pipelines.title')}</Typography.Title>
        <RoleGate min="operator">
          <Link to="/pipelines/new">
            <Button type="primary" data-testid="new-pipeline">
              {t('pipelines.new')}
            </Button>
          </Link>
        </RoleGate>
      </div>
      <Space wrap className="filters">
        <Input.Search
          allowClear
          aria-label={t('pipelines.filterName')}
          placeholder={t('pipelines.filterName')}
          defaultValue={filter.name}
          onSearch={(v) => update({ name: v || undefined })}
          data-testid="filter-name"
          style={{ width: 200 }}
        />
        <Select
          allowClear
          aria-label={t('pipelines.filterCluster')}
          placeholder={t('pipelines.filterCluster')}
          value={filter.cluster}
          onChange={(v?: string) => update({ cluster: v })}
          options={(clusters.data?.items ?? []).map((c) => ({ value: c.name, label: c.name }))}
          style={{ width: 170 }}
        />
        <Input.Search
          allowClear
          aria-label={t('pipelines.filterLabel')}
          placeholder={t('pipelines.filterLabel')}
          defaultValue={filter.label}
          onSearch={(v) => update({ label: v || undefined })}
          style={{ width: 190 }}
        />
        <Select
          mode="multiple"
          allowClear
          aria-label={t('pipelines.filterState')}
          placeholder={t('pipelines.filterState')}
          value={filter.state ? filter.state.split(',') : []}
          onChange={(v: string[]) => update({ state: v.length ? v.join(',') : undefined })}
          options={[...RUN_STATES, 'NONE' as const].map((s) => ({ value: s, label: t(`states.${s}`) }))}
          style={{ minWidth: 200 }}
          data-testid="filter-state"
        />
        <Checkbox checked={!!filter.stale} onChange={(e) => update({ stale: e.target.checked ? 'true' : undefined })}>
          {t('pipelines.staleOnly')}
        </Checkbox>
        <Select
          aria-label={t('pipelines.sort')}
          value={filter.sort}
          onChange={(v: string) => update({ sort: v })}
          options={SORTS.map((s) => ({ value: s, label: t(`pipelines.${SORT_LABEL[s]}`) }))}
          style={{ width: 180 }}
        />
      </Space>
      {pipelines.error ? <ProblemAlert error={pipelines.error} onRetry={() => pipelines.refetch()} /> : null}
      <Table<Pipeline>
        rowKey="id"
        size="middle"
        loading={pipelines.isFetching && !pipelines.data}
        dataSource={pipelines.data?.items ?? []}
        locale={{ emptyText: t('pipelines.empty') }}
        data-testid="pipelines-table"
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          total: pipelines.data?.total ?? 0,
          showSizeChanger: false,
          showTotal: (n) => t('common.total', { count: n }),
          onChange: (p) => update({ page: String(p) }),
        }}
        columns={[
          {
            title: t('common.name'),
            render: (_, p) => (
              <Link to={`/pipelines/${p.id}/overview`} data-testid="pipeline-link">
                {p.name}
              </Link>
            ),
          },
          {
            title: t('common.state'),
            render: (_, p) => <StateBadge state={p.currentRun?.state} stale={p.currentRun?.stale} />,
          },
          {
            title: t('health.title'),
            render: (_, p) =>
              p.currentRun?.health ? (
                <span>
                  <HealthBadge status={p.currentRun.health.status} reason={p.currentRun.health.reason} />{' '}
                  <span className="muted small">{f.duration(p.currentRun.health.lagMs)}</span>
                </span>
              ) : (
                '—'
              ),
          },
          { title: t('common.cluster'), render: (_, p) => clusterName(p.clusterId) },
          {
            title: t('common.labels'),
            render: (_, p) =>
              Object.entries(p.labels ?? {}).map(([k, v]) => (
                <span key={k} className="tone tone-default">{`${k}=${v}`}</span>
              )),
          },
          { title: t('common.version'), dataIndex: 'version' },
          { title: t('common.updated'), render: (_, p) => f.dateTime(p.updatedAt) },
          {
            title: t('common.actions'),
            render: (_, p) => <PipelineActions pipeline={p} compact />,
          },
        ]}
      />
    </div>
  );
}
