import { Button, Input, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { TERMINAL_STATES, type Pipeline, type Savepoint } from '../../api/types';
import { ProblemAlert } from '../../components/errors';
import { useFormat } from '../../components/format';
import { RoleGate } from '../../components/RoleGate';
import { useLedger, useTriggerSavepoint } from '../../queries/runs';
import { SavepointSchedule } from './SavepointSchedule';

export function SavepointsTab({ pipeline }: { pipeline: Pipeline }) {
  const { t } = useTranslation();
  const f = useFormat();
  const ledger = useLedger(pipeline.id);
  const trigger = useTriggerSavepoint(pipeline.id);
  const [dir, setDir] = useState('');
  const running = pipeline.currentRun?.state === 'RUNNING';
  const active = !!pipeline.currentRun && !TERMINAL_STATES.has(pipeline.currentRun.state);
  const restorePoint = ledger.data?.restorePoint;

  return (
    <div data-testid="savepoints-tab">
      <Typography.Paragraph>
        <strong>{t('pipeline.restorePoint')}:</strong>{' '}
        {restorePoint ? <code>{restorePoint}</code> : <span className="muted">{t('pipeline.noRestorePoint')}</span>}
      </Typography.Paragraph>
      <RoleGate min="operator">
        <Space.Compact className="section-gap">
          <Input
            aria-label={t('savepoints.targetDirectory')}
            placeholder={t('savepoints.targetDirectory')}
            value={dir}
            onChange={(e) => setDir(e.target.value)}
            style={{ width: 320 }}
          />
          <Button
            disabled={!running}
            title={
              !running
                ? active
                  ? t('actions.changing', { state: t(`states.${pipeline.currentRun!.state}`) })
                  : t('actions.notRunning')
                : undefined
            }
            loading={trigger.isPending}
            onClick={() => trigger.mutate(dir.trim() || undefined)}
            data-testid="trigger-savepoint"
          >
            {t('savepoints.trigger')}
          </Button>
        </Space.Compact>
      </RoleGate>
      <ProblemAlert error={ledger.error ?? trigger.error} />
      <SavepointSchedule pipelineId={pipeline.id} />
      <Typography.Title level={4} className="section-title">
        {t('savepoints.ledger')}
      </Typography.Title>
      <Table<Savepoint>
        size="small"
        rowKey="id"
        loading={ledger.isLoading}
        dataSource={ledger.data?.items ?? []}
        locale={{ emptyText: t('savepoints.empty') }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          { title: t('common.time'), render: (_, s) => f.dateTime(s.createdAt) },
          { title: t('savepoints.kind'), render: (_, s) => s.kind },
          {
            title: t('savepoints.path'),
            render: (_, s) =>
              s.state === 'FAILED' ? (
                <span data-testid="savepoint-failed">
                  <Tag color="red">{t('savepoints.failed')}</Tag> <span className="muted">{s.reason}</span>
                </span>
              ) : (
                <>
                  <code>{s.path}</code>{' '}
                  {s.path === restorePoint ? <Tag color="blue">{t('savepoints.isRestorePoint')}</Tag> : null}
                </>
              ),
          },
          { title: t('common.source'), render: (_, s) => s.source ?? '—' },
          {
            title: t('savepoints.run'),
            render: (_, s) => <Link to={`/runs/${s.runId}`}>{t('pipeline.run', { id: s.runId })}</Link>,
          },
        ]}
      />
    </div>
  );
}
