import { Button, Input, Radio, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ProblemAlert } from '../../components/errors';
import { RoleGate } from '../../components/RoleGate';
import { useSavepointSchedule, useSetSavepointSchedule } from '../../queries/runs';

type Mode = 'inherit' | 'off' | 'every';

/**
 * The pipeline's periodic savepoints: its cluster's default, explicitly off, or an interval of its own. An
 * operational setting (no new version); the console's timer triggers them for RUNNING runs.
 */
export function SavepointSchedule({ pipelineId }: { pipelineId: number }) {
  const { t } = useTranslation();
  const schedule = useSavepointSchedule(pipelineId);
  const save = useSetSavepointSchedule(pipelineId);
  const [mode, setMode] = useState<Mode>('inherit');
  const [every, setEvery] = useState('');
  const own = schedule.data?.interval ?? null;

  useEffect(() => {
    setMode(own === null ? 'inherit' : own === 'off' ? 'off' : 'every');
    setEvery(own !== null && own !== 'off' ? own : '');
  }, [own]);

  const effective = schedule.data?.effective;
  return (
    <div data-testid="savepoint-schedule" className="section-gap">
      <Typography.Title level={4} className="section-title">
        {t('savepoints.periodic')}
      </Typography.Title>
      <Typography.Paragraph>
        {t('savepoints.effective')}:{' '}
        <strong data-testid="schedule-effective">
          {effective === 'off' || !effective ? t('savepoints.off') : t('savepoints.every', { interval: effective })}
        </strong>
        {' · '}
        <span className="muted">
          {t('savepoints.clusterDefault')}: {schedule.data?.clusterDefault ?? t('savepoints.off')}
        </span>
      </Typography.Paragraph>
      <RoleGate min="operator">
        <Space wrap>
          <Radio.Group value={mode} onChange={(e) => setMode(e.target.value)}>
            <Radio value="inherit">{t('savepoints.inherit')}</Radio>
            <Radio value="off">{t('savepoints.off')}</Radio>
            <Radio value="every">{t('savepoints.own')}</Radio>
          </Radio.Group>
          <Input
            aria-label={t('savepoints.interval')}
            placeholder="30m, 6h"
            disabled={mode !== 'every'}
            value={every}
            onChange={(e) => setEvery(e.target.value)}
            style={{ width: 120 }}
            data-testid="schedule-interval"
          />
          <Button
            loading={save.isPending}
            onClick={() => save.mutate(mode === 'inherit' ? null : mode === 'off' ? 'off' : every.trim())}
            data-testid="schedule-save"
          >
            {t('common.save')}
          </Button>
        </Space>
      </RoleGate>
      <ProblemAlert error={schedule.error ?? save.error} />
    </div>
  );
}
