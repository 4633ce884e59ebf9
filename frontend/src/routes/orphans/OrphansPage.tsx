import { App as AntApp, Button, Popconfirm, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { Orphan } from '../../api/types';
import { ProblemAlert } from '../../components/errors';
import { useFormat } from '../../components/format';
import { RoleGate } from '../../components/RoleGate';
import { useAdopt, useOrphans } from '../../queries/misc';

export default function OrphansPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const { message } = AntApp.useApp();
  const orphans = useOrphans();
  const adopt = useAdopt();
  return (
    <div className="page" data-testid="orphans-page">
      <Typography.Title level={2}>{t('orphans.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('orphans.hint')}</Typography.Paragraph>
      <ProblemAlert error={orphans.error ?? adopt.error} />
      <Table<Orphan>
        rowKey="jobId"
        size="small"
        loading={orphans.isLoading}
        dataSource={orphans.data?.items ?? []}
        locale={{ emptyText: t('orphans.empty') }}
        pagination={false}
        columns={[
          {
            title: t('orphans.job'),
            render: (_, o) => <Link to={`/pipelines/${o.pipelineId}/overview`}>{o.name}</Link>,
          },
          { title: t('orphans.jobId'), render: (_, o) => <code>{o.jobId}</code> },
          { title: t('common.cluster'), render: (_, o) => <Link to={`/clusters/${o.clusterId}`}>{o.cluster}</Link> },
          { title: t('common.state'), dataIndex: 'state' },
          { title: t('orphans.started'), render: (_, o) => f.dateTime(o.startTime) },
          {
            title: t('common.actions'),
            render: (_, o) => (
              <RoleGate min="operator">
                <Popconfirm
                  title={t('orphans.adoptConfirm', { jobId: o.jobId, name: o.name })}
                  okText={t('actions.adopt')}
                  cancelText={t('common.cancel')}
                  onConfirm={() =>
                    adopt
                      .mutateAsync({ pipelineId: o.pipelineId, jobId: o.jobId })
                      .then(() => message.success(t('orphans.adopted')))
                  }
                >
                  <Button size="small">{t('actions.adopt')}</Button>
                </Popconfirm>
              </RoleGate>
            ),
          },
        ]}
      />
    </div>
  );
}
