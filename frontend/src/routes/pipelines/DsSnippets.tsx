import { Alert, Button, Card, Descriptions, Form, Input, message, Radio, Select, Space, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DsTask, DsVersion, Pipeline } from '../../api/types';
import { ProblemAlert } from '../../components/errors';
import { useDsSnippet } from '../../queries/ds';
import { useCreateToken, useTokens } from '../../queries/tokens';

/** What the server puts where the token goes. */
export const TOKEN_PLACEHOLDER = 'cdc_REPLACE_ME';
const TASKS = ['start', 'stop', 'status'] as const;

type HttpParam = DsTask['taskParams']['httpParams'][number];

/** The task with the token header's value replaced (the definition is otherwise as the server gave it). */
export function withToken(task: DsTask, token: string): DsTask {
  const params = task.taskParams.httpParams;
  return {
    ...task,
    taskParams: {
      ...task.taskParams,
      httpParams: params.map((p) => (p.value === TOKEN_PLACEHOLDER && p.prop === 'token' ? { ...p, value: token } : p)),
    },
  };
}

/** A placeholder that says which token's secret goes there (secrets are shown only when created). */
export const placeholderFor = (tokenName: string) =>
  `PASTE_SECRET_OF_TOKEN_${tokenName.replace(/[^A-Za-z0-9_-]/g, '_')}`;

async function copy(text: string, done: string) {
  await navigator.clipboard.writeText(text);
  void message.success(done);
}

/** One task as the DS HTTP task form asks for it, field by field, and as its stored definition. */
function TaskCard({ kind, task, version }: { kind: (typeof TASKS)[number]; task: DsTask; version: DsVersion }) {
  const { t } = useTranslation();
  const p = task.taskParams;
  const params: HttpParam[] = p.httpParams;
  const json = JSON.stringify(task, null, 2);
  const typeLabel = (type: string) => (type === 'HEADERS' ? 'Headers' : type === 'PARAMETER' ? 'Parameter' : 'Body');
  const timeouts =
    version === '3.3'
      ? `Connect Timeout ${p.connectTimeout}`
      : `Connect Timeout ${p.connectTimeout} / Socket Timeout ${p.socketTimeout}`;
  return (
    <Card size="small" title={t(`ds.snippets.${kind}`)} className="section-gap" data-testid={`ds-snippet-${kind}`}>
      <Typography.Title level={5}>{t('ds.snippets.form')}</Typography.Title>
      <Descriptions bordered size="small" column={1}>
        <Descriptions.Item label={t('ds.snippets.field.name')}>
          <Typography.Text copyable>{task.name}</Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t('ds.snippets.field.retries')}>
          {task.failRetryTimes} / {task.failRetryInterval}
        </Descriptions.Item>
        <Descriptions.Item label={t('ds.snippets.field.url')}>
          <Typography.Text copyable code>
            {p.url}
          </Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t('ds.snippets.field.method')}>{p.httpMethod}</Descriptions.Item>
        <Descriptions.Item label={t('ds.snippets.field.params')}>
          <Space orientation="vertical" size={2}>
            {params.map((row) => (
              <span key={row.prop}>
                <Typography.Text code>{row.prop}</Typography.Text> · {typeLabel(row.httpParametersType)} ·{' '}
                <Typography.Text copyable code>
                  {row.value}
                </Typography.Text>
              </span>
            ))}
          </Space>
        </Descriptions.Item>
        {p.httpBody ? (
          <Descriptions.Item label={t('ds.snippets.field.body')}>
            <Typography.Text copyable code className="ds-body">
              {p.httpBody}
            </Typography.Text>
          </Descriptions.Item>
        ) : null}
        <Descriptions.Item label={t('ds.snippets.field.check')}>
          {t('ds.snippets.contentIncludes')} ·{' '}
          <Typography.Text copyable code>
            {p.condition}
          </Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t('ds.snippets.field.timeouts')}>{timeouts}</Descriptions.Item>
      </Descriptions>
      <Space className="section-gap" align="center">
        <Typography.Title level={5} style={{ margin: 0 }}>
          {t('ds.snippets.definition')}
        </Typography.Title>
        <Button
          size="small"
          data-testid={`ds-snippet-copy-${kind}`}
          onClick={() => void copy(json, t('ds.snippets.copied'))}
        >
          {t('ds.snippets.copy')}
        </Button>
      </Space>
      <pre className="ds-json" data-testid={`ds-snippet-json-${kind}`}>
        {json}
      </pre>
    </Card>
  );
}

type TokenChoice = { kind: 'new'; name: string; secret: string } | { kind: 'existing'; name: string } | null;

/**
 * The DS HTTP task definitions for the pipeline, for DS 3.2 or 3.3, with the token filled in: a token created here
 * (operator, scoped to this pipeline; its one-time secret goes into the definitions), or one of the caller's own
 * tokens (then a placeholder naming it, since its secret cannot be shown again).
 */
export function DsSnippets({ pipeline }: { pipeline: Pipeline }) {
  const { t } = useTranslation();
  const [version, setVersion] = useState<DsVersion>('3.3');
  const [mode, setMode] = useState<'new' | 'existing'>('new');
  const [tokenName, setTokenName] = useState(`ds-${pipeline.name}`);
  const [expires, setExpires] = useState<number | 'never'>(365);
  const [choice, setChoice] = useState<TokenChoice>(null);
  const snippet = useDsSnippet(pipeline.id, version);
  const tokens = useTokens(false);
  const create = useCreateToken();

  const token =
    choice === null ? TOKEN_PLACEHOLDER : choice.kind === 'new' ? choice.secret : placeholderFor(choice.name);
  const tasks = useMemo(
    () => (snippet.data ? TASKS.map((k) => [k, withToken(snippet.data[k], token)] as const) : []),
    [snippet.data, token],
  );
  const active = (tokens.data?.items ?? []).filter((tk) => tk.status === 'active');

  const createToken = () =>
    create.mutate(
      {
        name: tokenName.trim(),
        role: 'operator',
        ...(expires === 'never' ? {} : { expiresInDays: expires }),
        scope: { pipelines: [pipeline.name] },
      },
      { onSuccess: (created) => setChoice({ kind: 'new', name: created.name, secret: created.token }) },
    );

  return (
    <Card title={t('ds.snippets.title')} className="section-gap" data-testid="ds-snippets">
      <Typography.Paragraph type="secondary">{t('ds.snippets.intro')}</Typography.Paragraph>
      <Form layout="vertical">
        <Form.Item label={t('ds.snippets.version')}>
          <Radio.Group
            optionType="button"
            value={version}
            onChange={(e) => setVersion(e.target.value as DsVersion)}
            data-testid="ds-snippet-version"
            options={[
              { value: '3.2', label: 'DS 3.2' },
              { value: '3.3', label: 'DS 3.3' },
            ]}
          />
        </Form.Item>
        <Form.Item label={t('ds.snippets.token')}>
          <Radio.Group
            value={mode}
            onChange={(e) => setMode(e.target.value as 'new' | 'existing')}
            options={[
              { value: 'new', label: t('ds.snippets.tokenNew') },
              { value: 'existing', label: t('ds.snippets.tokenExisting') },
            ]}
          />
        </Form.Item>
        {mode === 'new' ? (
          <Space wrap align="start">
            <Input
              aria-label={t('ds.snippets.tokenName')}
              value={tokenName}
              onChange={(e) => setTokenName(e.target.value)}
              style={{ width: 280 }}
              data-testid="ds-token-name"
            />
            <Select
              value={expires}
              onChange={setExpires}
              style={{ width: 160 }}
              options={[
                { value: 90, label: t('ds.snippets.expiresIn', { d: t('time.d', { n: 90 }) }) },
                { value: 365, label: t('ds.snippets.expiresIn', { d: t('time.d', { n: 365 }) }) },
                { value: 'never', label: t('ds.snippets.noExpiry') },
              ]}
            />
            <Button
              type="primary"
              onClick={createToken}
              loading={create.isPending}
              disabled={!tokenName.trim()}
              data-testid="ds-token-create"
            >
              {t('ds.snippets.create')}
            </Button>
          </Space>
        ) : (
          <Select
            placeholder={t('ds.snippets.chooseToken')}
            style={{ width: 360 }}
            loading={tokens.isLoading}
            data-testid="ds-token-choose"
            value={choice?.kind === 'existing' ? choice.name : undefined}
            onChange={(name: string) => setChoice({ kind: 'existing', name })}
            options={active.map((tk) => ({
              value: tk.name,
              label: `${tk.name} (${tk.role}${tk.scope ? `, ${t('ds.snippets.scoped')}` : ''})`,
            }))}
          />
        )}
        <ProblemAlert error={create.error ?? tokens.error} />
      </Form>
      {choice?.kind === 'new' ? (
        <Alert
          type="warning"
          showIcon
          className="section-gap"
          data-testid="ds-token-created"
          title={t('ds.snippets.created', { name: choice.name })}
        />
      ) : choice?.kind === 'existing' ? (
        <Alert
          type="info"
          showIcon
          className="section-gap"
          title={t('ds.snippets.placeholderNote', { placeholder: token })}
        />
      ) : (
        <Alert type="info" showIcon className="section-gap" title={t('ds.snippets.noToken')} />
      )}
      <ProblemAlert error={snippet.error} onRetry={() => snippet.refetch()} />
      {tasks.map(([kind, task]) => (
        <TaskCard key={kind} kind={kind} task={task} version={version} />
      ))}
    </Card>
  );
}
