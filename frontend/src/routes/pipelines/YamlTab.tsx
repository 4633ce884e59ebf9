import { Alert, App as AntApp, Button, Input, List, Space, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { pipelinesApi } from '../../api/pipelines';
import type { Pipeline } from '../../api/types';
import DiffView from '../../components/DiffView';
import { ProblemAlert } from '../../components/errors';
import { useHasRole } from '../../components/RoleGate';
import YamlEditor from '../../components/YamlEditor';
import { useUpdatePipeline } from '../../queries/pipelines';
import { markersOf, useValidation } from './useValidation';

export default function YamlTab({ pipeline }: { pipeline: Pipeline }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const canEdit = useHasRole('operator');
  const [base, setBase] = useState({ yaml: pipeline.yaml ?? '', version: pipeline.version });
  const [text, setText] = useState(base.yaml);
  const [comment, setComment] = useState('');
  const [conflict, setConflict] = useState<Pipeline | null>(null);
  const update = useUpdatePipeline(pipeline.id);
  const { result, checking } = useValidation(text, String(pipeline.clusterId));

  const saveErrors = update.error instanceof ApiError ? update.error.fieldErrors : [];
  const errors = [...(result?.errors ?? []), ...saveErrors.filter((e) => e.line)];
  const warnings = result?.warnings ?? [];
  // eslint-disable-next-line react-hooks/exhaustive-deps -- errors and warnings are derived from these two
  const markers = useMemo(() => markersOf(errors, warnings), [result, update.error]);

  const save = (version: number) => {
    update.mutate(
      { input: { yaml: text, comment: comment.trim() || undefined }, version },
      {
        onSuccess: (saved) => {
          setBase({ yaml: saved.yaml ?? text, version: saved.version });
          setText(saved.yaml ?? text);
          setComment('');
          setConflict(null);
          void message.success(t('yaml.saved', { version: saved.version }));
        },
        onError: async (e) => {
          if (e instanceof ApiError && e.status === 412) {
            const theirs = await pipelinesApi.get(pipeline.id);
            setConflict(theirs.data);
          }
        },
      },
    );
  };

  const dirty = text !== base.yaml;
  // The server would refuse it anyway; the problems list says what to fix.
  const invalid = (result?.errors.length ?? 0) > 0;

  return (
    <div data-testid="yaml-tab">
      <Typography.Paragraph type="secondary">
        {canEdit ? t('yaml.secretsMasked') : t('yaml.readOnly')}
      </Typography.Paragraph>
      {conflict ? (
        <div className="conflict" data-testid="conflict">
          <Alert
            type="warning"
            showIcon
            title={t('yaml.conflictTitle', { version: conflict.version })}
            description={t('yaml.conflictBody')}
          />
          <DiffView
            left={conflict.yaml ?? ''}
            right={text}
            label={t('versions.compare')}
            unchanged={t('versions.unchanged')}
          />
          <Space className="section-gap">
            <Button
              onClick={() => {
                setBase({ yaml: conflict.yaml ?? '', version: conflict.version });
                setText(conflict.yaml ?? '');
                setConflict(null);
                update.reset();
              }}
            >
              {t('yaml.reloadTheirs')}
            </Button>
            <Button danger type="primary" onClick={() => save(conflict.version)} loading={update.isPending}>
              {t('yaml.overwrite')}
            </Button>
          </Space>
        </div>
      ) : null}
      <YamlEditor
        value={text}
        onChange={canEdit ? setText : undefined}
        readOnly={!canEdit}
        markers={markers}
        label={t('yaml.editorLabel')}
      />
      <div className="problems" data-testid="problems" aria-live="polite">
        <Typography.Text strong>{t('yaml.problems')}</Typography.Text>{' '}
        {checking ? <Typography.Text type="secondary">{t('yaml.validating')}</Typography.Text> : null}
        {!checking && result && errors.length === 0 && warnings.length === 0 ? (
          <Typography.Text type="success">{t('yaml.valid')}</Typography.Text>
        ) : null}
        {errors.length + warnings.length > 0 ? (
          <List
            size="small"
            dataSource={[
              ...errors.map((e) => ({ ...e, severity: 'error' as const })),
              ...warnings.map((e) => ({ ...e, severity: 'warning' as const })),
            ]}
            locale={{ emptyText: ' ' }}
            renderItem={(e) => (
              <List.Item data-testid="problem-item">
                <Tag color={e.severity === 'error' ? 'red' : 'orange'}>{t(`yaml.${e.severity}`)}</Tag>
                <code>{e.path}</code> {e.message}
                {e.line ? (
                  <span className="muted"> — {t('yaml.at', { line: e.line, column: e.column ?? 1 })}</span>
                ) : null}
              </List.Item>
            )}
          />
        ) : null}
      </div>
      {canEdit ? (
        <Space.Compact block className="section-gap">
          <Input
            aria-label={t('yaml.comment')}
            placeholder={t('yaml.comment')}
            value={comment}
            onChange={(e) => setComment(e.target.value)}
            data-testid="save-comment"
          />
          <Button
            type="primary"
            disabled={!dirty || !!conflict || invalid}
            loading={update.isPending}
            onClick={() => save(base.version)}
            data-testid="save-yaml"
          >
            {t('yaml.save')}
          </Button>
        </Space.Compact>
      ) : null}
      {canEdit && dirty && invalid ? (
        <Typography.Text type="secondary" data-testid="fix-errors-first">
          {t('yaml.fixErrorsFirst')}
        </Typography.Text>
      ) : null}
      {update.error && !(update.error instanceof ApiError && update.error.status === 412) ? (
        <ProblemAlert error={update.error} />
      ) : null}
    </div>
  );
}
