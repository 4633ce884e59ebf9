import { Button, Space, Tooltip } from 'antd';
import { useEffect, useRef, useState, type MouseEvent } from 'react';
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
  // The dialogs unmount when closed, which skips antd's own focus restore: give the focus back to the action that
  // opened the dialog, so keyboard users carry on where they were.
  const opener = useRef<HTMLElement | null>(null);
  useEffect(() => {
    if (dialog === null && opener.current) {
      opener.current.focus();
      opener.current = null;
    }
  }, [dialog]);
  // A dialog already open stays open when the role is lowered meanwhile (a 403 re-reads the role): it shows the
  // refusal, which the user would otherwise never see.
  if (!canOperate && dialog === null) return null;

  const run = pipeline.currentRun;
  const active = !!run && !TERMINAL_STATES.has(run.state);
  const changing = !!run && !SETTLED.has(run.state);
  const why = changing ? t('actions.changing', { state: t(`states.${run!.state}`) }) : undefined;
  const open = (d: 'start' | 'stop' | 'cancel') => (e: MouseEvent<HTMLElement>) => {
    opener.current = e.currentTarget;
    setDialog(d);
  };

  // A list row shows only the actions that apply now, as plain link-style buttons (antd's table idiom): a page of rows
  // would otherwise mount three antd Buttons and three Tooltips each, which is most of the page's render time. The
  // pipeline page shows all three, disabled with the reason.
  const buttons = compact ? (
    <div className="row-actions" data-testid="pipeline-actions" aria-busy={changing}>
      {!active ? (
        <button type="button" className="row-action" onClick={open('start')} data-testid="action-start">
          {t('actions.start')}
        </button>
      ) : null}
      {active && !changing ? (
        <button type="button" className="row-action" onClick={open('stop')} data-testid="action-stop">
          {t('actions.stop')}
        </button>
      ) : null}
      {active && run?.state !== 'CANCELLING' ? (
        <button type="button" className="row-action danger" onClick={open('cancel')} data-testid="action-cancel">
          {t('actions.cancel')}
        </button>
      ) : null}
      {changing ? (
        <span className="muted small" role="status">
          {why}
        </span>
      ) : null}
    </div>
  ) : (
    <Space size="small" wrap data-testid="pipeline-actions" aria-busy={changing}>
      <Tooltip title={active ? (why ?? t('actions.alreadyRunning')) : undefined}>
        <Button type="primary" disabled={active} onClick={open('start')} data-testid="action-start">
          {t('actions.start')}
        </Button>
      </Tooltip>
      <Tooltip title={!active ? t('actions.notRunning') : why}>
        <Button disabled={!active || changing} onClick={open('stop')} data-testid="action-stop">
          {t('actions.stop')}
        </Button>
      </Tooltip>
      <Tooltip title={!active ? t('actions.notRunning') : undefined}>
        <Button
          danger
          disabled={!active || run?.state === 'CANCELLING'}
          onClick={open('cancel')}
          data-testid="action-cancel"
        >
          {t('actions.cancel')}
        </Button>
      </Tooltip>
      {changing ? (
        <span className="muted" role="status">
          {why}
        </span>
      ) : null}
    </Space>
  );

  return (
    <>
      {canOperate ? buttons : null}
      {dialog === 'start' ? <StartDialog pipeline={pipeline} open onClose={() => setDialog(null)} /> : null}
      {dialog === 'stop' ? <StopDialog pipeline={pipeline} open onClose={() => setDialog(null)} /> : null}
      {dialog === 'cancel' ? <CancelDialog pipeline={pipeline} open onClose={() => setDialog(null)} /> : null}
    </>
  );
}
