import { Alert, Button, Checkbox, Form, Input, Modal, Radio, Select, Space } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { newIdempotencyKey } from '../../api/idempotency';
import type { Pipeline, StartOptions } from '../../api/types';
import { ProblemAlert } from '../../components/errors';
import { useFormat } from '../../components/format';
import { useLedger, useStartRun } from '../../queries/runs';

type From = 'latest' | 'none' | 'ledger' | 'path';

/** Start a run: where its state comes from (restore point by default), and Flink settings for this run. */
export function StartDialog({ pipeline, open, onClose }: { pipeline: Pipeline; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const ledger = useLedger(pipeline.id);
  const start = useStartRun(pipeline.id);
  const restorePoint = ledger.data?.restorePoint ?? null;
  const [choice, setChoice] = useState<From | null>(null);
  const from: From = choice ?? (restorePoint ? 'latest' : 'none');
  const [ledgerPath, setLedgerPath] = useState<string>();
  const [typedPath, setTypedPath] = useState('');
  const [allowNonRestored, setAllowNonRestored] = useState(false);
  const [overrides, setOverrides] = useState<{ key: string; value: string }[]>([]);
  // One key per dialog: a double click or a retry starts one run.
  // eslint-disable-next-line react-hooks/exhaustive-deps -- a new key each time the dialog opens
  const idempotencyKey = useMemo(() => newIdempotencyKey(), [open]);
  const restoreTime = ledger.data?.items.find((s) => s.path === restorePoint)?.createdAt;

  const submit = () => {
    const options: StartOptions = {
      fromSavepoint:
        from === 'latest' ? 'latest' : from === 'none' ? 'none' : from === 'ledger' ? ledgerPath : typedPath.trim(),
      allowNonRestoredState: allowNonRestored,
      flinkConfiguration: Object.fromEntries(overrides.filter((o) => o.key.trim()).map((o) => [o.key.trim(), o.value])),
    };
    start.mutate({ options, idempotencyKey }, { onSuccess: onClose });
  };
  const invalid = (from === 'ledger' && !ledgerPath) || (from === 'path' && !typedPath.trim());

  return (
    <Modal
      open={open}
      title={t('start.title', { name: pipeline.name })}
      onCancel={onClose}
      destroyOnHidden
      footer={[
        <Button key="cancel" onClick={onClose}>
          {t('common.cancel')}
        </Button>,
        <Button
          key="ok"
          type="primary"
          loading={start.isPending}
          disabled={invalid}
          onClick={submit}
          data-testid="start-confirm"
        >
          {t('actions.start')}
        </Button>,
      ]}
    >
      <Form layout="vertical" data-testid="start-dialog">
        <Form.Item label={t('start.fromSavepoint')}>
          <Radio.Group value={from} onChange={(e) => setChoice(e.target.value as From)}>
            <Space orientation="vertical">
              <Radio value="latest" disabled={!restorePoint} data-testid="from-latest">
                {t('start.restorePoint')}
                {restorePoint ? (
                  <div className="muted small">
                    {t('start.restorePointAt', { path: restorePoint, time: f.dateTime(restoreTime) })}
                  </div>
                ) : (
                  <div className="muted small">{t('pipeline.noRestorePoint')}</div>
                )}
              </Radio>
              <Radio value="none" data-testid="from-none">
                {t('start.none')}
              </Radio>
              <Radio value="ledger" disabled={!ledger.data?.items.length}>
                {t('start.ledger')}
              </Radio>
              <Radio value="path">{t('start.path')}</Radio>
            </Space>
          </Radio.Group>
        </Form.Item>
        {from === 'none' && restorePoint ? (
          <Alert type="warning" showIcon title={t('start.noneWarning')} data-testid="none-warning" />
        ) : null}
        {from === 'ledger' ? (
          <Form.Item label={t('start.ledger')}>
            <Select
              aria-label={t('start.ledger')}
              value={ledgerPath}
              onChange={setLedgerPath}
              options={(ledger.data?.items ?? []).map((s) => ({
                value: s.path,
                label: `${f.dateTime(s.createdAt)} — ${s.path}`,
              }))}
            />
          </Form.Item>
        ) : null}
        {from === 'path' ? (
          <Form.Item label={t('start.path')}>
            <Input
              value={typedPath}
              onChange={(e) => setTypedPath(e.target.value)}
              placeholder={t('start.pathPlaceholder')}
            />
          </Form.Item>
        ) : null}
        <Form.Item>
          <Checkbox checked={allowNonRestored} onChange={(e) => setAllowNonRestored(e.target.checked)}>
            {t('start.allowNonRestored')}
          </Checkbox>
        </Form.Item>
        <Form.Item label={t('start.flinkConfig')}>
          <Space orientation="vertical" style={{ width: '100%' }}>
            {overrides.map((o, i) => (
              <Space.Compact key={i} block>
                <Input
                  aria-label={t('start.key')}
                  placeholder={t('start.key')}
                  value={o.key}
                  onChange={(e) => setOverrides(overrides.map((x, j) => (j === i ? { ...x, key: e.target.value } : x)))}
                />
                <Input
                  aria-label={t('start.value')}
                  placeholder={t('start.value')}
                  value={o.value}
                  onChange={(e) =>
                    setOverrides(overrides.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)))
                  }
                />
                <Button onClick={() => setOverrides(overrides.filter((_, j) => j !== i))}>{t('common.remove')}</Button>
              </Space.Compact>
            ))}
            <Button onClick={() => setOverrides([...overrides, { key: '', value: '' }])}>
              {t('start.addOverride')}
            </Button>
          </Space>
        </Form.Item>
        <ProblemAlert error={start.error} />
      </Form>
    </Modal>
  );
}
