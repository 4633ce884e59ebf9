import { Table } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { Pipeline, Run } from '../../api/types';
import { ProblemAlert } from '../../components/errors';
import { useFormat } from '../../components/format';
import { StateBadge } from '../../components/StateBadge';
import { usePipelineRuns } from '../../queries/runs';

const PAGE = 20;

export function RunsTab({ pipeline }: { pipeline: Pipeline }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [page, setPage] = useState(1);
  const runs = usePipelineRuns(pipeline.id, PAGE, (page - 1) * PAGE);
  return (
    <div data-testid="runs-tab">
      <ProblemAlert error={runs.error} />
      <Table<Run>
        size="small"
        rowKey="id"
        loading={runs.isLoading}
        dataSource={runs.data?.items ?? []}
        locale={{ emptyText: t('runs.empty') }}
        pagination={{
          current: page,
          pageSize: PAGE,
          total: runs.data?.total ?? 0,
          onChange: setPage,
          hideOnSinglePage: true,
        }}
        columns={[
          {
            title: t('runs.id'),
            render: (_, r) => <Link to={`/runs/${r.id}`}>{t('pipeline.run', { id: r.id })}</Link>,
          },
          { title: t('common.state'), render: (_, r) => <StateBadge state={r.state} stale={r.stale} /> },
          { title: t('common.version'), render: (_, r) => `v${r.pipelineVersion}` },
          { title: t('pipeline.jobId'), render: (_, r) => <code>{r.jobId ?? '—'}</code> },
          { title: t('runs.started'), render: (_, r) => f.dateTime(r.startedAt ?? r.createdAt) },
          { title: t('runs.ended'), render: (_, r) => f.dateTime(r.endedAt) },
          { title: t('runs.by'), render: (_, r) => r.createdBy ?? '—' },
          { title: t('runs.fromSavepoint'), render: (_, r) => r.fromSavepoint ?? '—' },
        ]}
      />
    </div>
  );
}
