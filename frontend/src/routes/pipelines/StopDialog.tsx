import { Alert, Button, Checkbox, Form, Input, Modal } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Pipeline } from '../../api/types';
import { ProblemAlert } from '../../components/errors';
import { useStopRun } from '../../queries/runs';

/** Stop the running job, with a savepoint unless the operator says otherwise. */
export function StopDialog({ pipeline, open, onClose }: { pipeline: Pipeline; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const stop = useStopRun(pipeline.id);
  const [savepoint, setSavepoint] = useState(true);
  const [drain, setDrain] = useState(false);
  const [dir, setDir] = useState('');
  const submit = () =>
    stop.mutate({ savepoint, drain, targetDirectory: dir.trim() || undefined }, { onSuccess: onClose });
  return (
    <Modal
      open={open}
      title={t('stop.title', { name: pipeline.name })}
      onCancel={onClose}
      destroyOnHidden
      footer={[
        <Button key="cancel" onClick={onClose}>
          {t('common.cancel')}
        </Button>,
        <Button key="ok" type="primary" danger loading={stop.isPending} onClick={submit} data-testid="stop-confirm">
          {t('actions.stop')}
        </Button>,
      ]}
    >
      <Form layout="vertical" data-testid="stop-dialog">
        {/* The warning belongs to the choice above it: same item, so the spacing stays even. */}
        <Form.Item className="compact-item">
          <Checkbox checked={savepoint} onChange={(e) => setSavepoint(e.target.checked)} data-testid="stop-savepoint">
            {t('stop.savepoint')}
          </Checkbox>
          {!savepoint ? (
            <Alert className="item-note" type="warning" showIcon title={t('stop.noSavepointWarning')} />
          ) : null}
        </Form.Item>
        <Form.Item className="compact-item">
          <Checkbox checked={drain} onChange={(e) => setDrain(e.target.checked)} disabled={!savepoint}>
            {t('stop.drain')}
          </Checkbox>
        </Form.Item>
        <Form.Item label={t('stop.targetDirectory')} htmlFor="stop-target-directory">
          <Input
            id="stop-target-directory"
            value={dir}
            onChange={(e) => setDir(e.target.value)}
            disabled={!savepoint}
          />
        </Form.Item>
        <ProblemAlert error={stop.error} />
      </Form>
    </Modal>
  );
}
