import { Button, Space, Tooltip } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { TERMINAL_STATES, type Pipeline } from '../../api/types';
import { useHasRole } from '../../components/RoleGate';
import { CancelDialog } from './CancelDialog';
import { StartDialog } from './StartDialog';
import { StopDialog } from './StopDialog';

const SETTLED = new Set(['RUNNING', ...TERMINAL_STATES]);

/** Start / Stop / Cancel for operators; disabled with the reason while the run is changing. */
export function PipelineActions({ pipeline, compact = false }: { pipeline: Pipeline; compact?: boolean }) {
  const { t } = useTranslation();
  const canOperate = useHasRole('operator');
  const [dialog, setDialog] = useState<'start' | 'stop' | 'cancel' | null>(null);
  if (!canOperate) return null;

  const run = pipeline.currentRun;
  const active = !!run && !TERMINAL_STATES.has(run.state);
  const changing = !!run && !SETTLED.has(run.state);
  const why = changing ? t('actions.changing', { state: t(`states.${run!.state}`) }) : undefined;
  const size = compact ? 'small' : 'middle';

  return (
    <>
      <Space size="small" wrap data-testid="pipeline-actions" aria-busy={changing}>
        <Tooltip title={active ? why ?? t('actions.alreadyRunning') : undefined}>
          <Button size={size} type={compact ? 'default' : 'primary'} disabled={active} onClick={() => setDialog('start')} data-testid="action-start">
            {t('actions.start')}
          </Button>
        </Tooltip>
        <Tooltip title={!active ? t('actions.notRunning') : why}>
          <Button size={size} disabled={!active || changing} onClick={() => setDialog('stop')} data-testid="action-stop">
            {t('actions.stop')}
          </Button>
        </Tooltip>
        <Tooltip title={!active ? t('actions.notRunning') : undefined}>
          <Button size={size} danger disabled={!active || run?.state === 'CANCELLING'} onClick={() => setDialog('cancel')} data-testid="action-cancel">
            {t('actions.cancel')}
          </Button>
        </Tooltip>
        {changing && !compact ? <span className="muted" role="status">{why}</span> : null}
      </Space>
      {dialog === 'start' ? <StartDialog pipeline={pipeline} open onClose={() => setDialog(null)} /> : null}
      {dialog === 'stop' ? <StopDialog pipeline={pipeline} open onClose={() => setDialog(null)} /> : null}
      {dialog === 'cancel' ? <CancelDialog pipeline={pipeline} open onClose={() => setDialog(null)} /> : null}
    </>
  );
}
