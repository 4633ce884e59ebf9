import { App as AntApp, Button, Popconfirm, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Pipeline, PipelineVersion } from '../../api/types';
import DiffView from '../../components/DiffView';
import { ProblemAlert } from '../../components/errors';
import { useFormat } from '../../components/format';
import { RoleGate } from '../../components/RoleGate';
import { usePipelineVersion, usePipelineVersions, useRollbackPipeline } from '../../queries/pipelines';

export default function VersionsTab({ pipeline }: { pipeline: Pipeline }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { message } = AntApp.useApp();
  const versions = usePipelineVersions(pipeline.id);
  const rollback = useRollbackPipeline(pipeline.id);
  const [left, setLeft] = useState<number | null>(pipeline.version > 1 ? pipeline.version - 1 : null);
  const [right, setRight] = useState<number | null>(pipeline.version);
  const a = usePipelineVersion(pipeline.id, left);
  const b = usePipelineVersion(pipeline.id, right);
  const options = (versions.data?.items ?? []).map((v) => ({ value: v.version, label: `v${v.version}` }));

  return (
    <div data-testid="versions-tab">
      <ProblemAlert error={versions.error ?? rollback.error} />
      <Table<PipelineVersion>
        size="small"
        rowKey="version"
        loading={versions.isLoading}
        dataSource={[...(versions.data?.items ?? [])].sort((x, y) => y.version - x.version)}
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        columns={[
          {
            title: t('common.version'),
            render: (_, v) => `v${v.version}${v.version === pipeline.version ? ` (${t('versions.current')})` : ''}`,
          },
          { title: t('common.author'), render: (_, v) => v.author ?? '—' },
          { title: t('common.comment'), render: (_, v) => v.comment || '—' },
          { title: t('common.time'), render: (_, v) => f.dateTime(v.createdAt) },
          {
            title: t('common.actions'),
            render: (_, v) => (
              <Space>
                <Button size="small" onClick={() => setLeft(v.version)}>
                  {t('versions.left')}
                </Button>
                <Button size="small" onClick={() => setRight(v.version)}>
                  {t('versions.right')}
                </Button>
                <RoleGate min="operator">
                  {v.version !== pipeline.version ? (
                    <Popconfirm
                      title={t('versions.rollbackConfirm', { version: v.version })}
                      okText={t('actions.rollback')}
                      cancelText={t('common.cancel')}
                      onConfirm={() =>
                        rollback
                          .mutateAsync({ to: v.version, version: pipeline.version })
                          .then((saved) => message.success(t('versions.rolledBack', { version: saved.version })))
                      }
                    >
                      <Button size="small" data-testid={`rollback-${v.version}`}>
                        {t('actions.rollback')}
                      </Button>
                    </Popconfirm>
                  ) : null}
                </RoleGate>
              </Space>
            ),
          },
        ]}
      />
      <Typography.Title level={4} className="section-title">
        {t('versions.compare')}
      </Typography.Title>
      <Space className="section-gap">
        <Select
          aria-label={t('versions.left')}
          value={left ?? undefined}
          onChange={setLeft}
          options={options}
          style={{ width: 100 }}
        />
        →
        <Select
          aria-label={t('versions.right')}
          value={right ?? undefined}
          onChange={setRight}
          options={options}
          style={{ width: 100 }}
        />
      </Space>
      {a.data?.yaml !== undefined && b.data?.yaml !== undefined ? (
        <DiffView
          left={a.data.yaml}
          right={b.data.yaml}
          label={t('versions.compare')}
          unchanged={t('versions.unchanged')}
        />
      ) : (
        <Typography.Paragraph type="secondary">{t('versions.pick')}</Typography.Paragraph>
      )}
    </div>
  );
}
