import { Button, Input, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ProblemAlert } from '../../components/errors';
import { RoleGate } from '../../components/RoleGate';
import { useClusterSavepointSchedule, useSetClusterSavepointSchedule } from '../../queries/clusters';

/** The cluster's default interval of periodic savepoints: its pipelines without one of their own follow it. */
export function ClusterSavepointSchedule({ clusterId }: { clusterId: number }) {
  const { t } = useTranslation();
  const schedule = useClusterSavepointSchedule(clusterId);
  const save = useSetClusterSavepointSchedule(clusterId);
  const current = schedule.data?.interval ?? null;
  const [value, setValue] = useState('');
  useEffect(() => setValue(current ?? ''), [current]);

  return (
    <div data-testid="cluster-savepoint-schedule" className="section-gap">
      <Typography.Title level={4} className="section-title">
        {t('savepoints.clusterPeriodic')}
      </Typography.Title>
      <Typography.Paragraph>
        <strong data-testid="cluster-schedule-current">
          {current ? t('savepoints.every', { interval: current }) : t('savepoints.off')}
        </strong>
        {' · '}
        <span className="muted">{t('savepoints.clusterHint')}</span>
      </Typography.Paragraph>
      <RoleGate min="admin">
        <Space.Compact>
          <Input
            aria-label={t('savepoints.interval')}
            placeholder={t('savepoints.clusterPlaceholder')}
            value={value}
            onChange={(e) => setValue(e.target.value)}
            style={{ width: 220 }}
            data-testid="cluster-schedule-interval"
          />
          <Button
            loading={save.isPending}
            onClick={() => save.mutate(value.trim() ? value.trim() : null)}
            data-testid="cluster-schedule-save"
          >
            {t('common.save')}
          </Button>
        </Space.Compact>
      </RoleGate>
      <ProblemAlert error={schedule.error ?? save.error} />
    </div>
  );
}
