import { Button, Space, Tabs, Typography } from 'antd';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useParams } from 'react-router-dom';
import { pipelinesApi } from '../../api/pipelines';
import { ProblemAlert } from '../../components/errors';
import { PageLoading } from '../../components/Layout';
import { RoleGate } from '../../components/RoleGate';
import { StateBadge } from '../../components/StateBadge';
import { usePipeline } from '../../queries/pipelines';
import { PipelineActions } from './PipelineActions';
import { PipelineOverviewTab } from './PipelineOverviewTab';
import { RevealSecrets } from './RevealSecrets';
import { RunsTab } from './RunsTab';
import { SavepointsTab } from './SavepointsTab';

// The editor and the diff view bring CodeMirror: only these tabs load it.
const YamlTab = lazy(() => import('./YamlTab'));
const VersionsTab = lazy(() => import('./VersionsTab'));
const DsTab = lazy(() => import('./DsTab').then((m) => ({ default: m.DsTab })));

const TABS = ['overview', 'yaml', 'versions', 'runs', 'savepoints', 'ds'] as const;
type Tab = (typeof TABS)[number];

async function download(id: number, name: string) {
  const text = await pipelinesApi.exportYaml(id);
  const url = URL.createObjectURL(new Blob([text], { type: 'application/yaml' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `${name}.yaml`;
  a.click();
  URL.revokeObjectURL(url);
}

export default function PipelinePage() {
  const { t } = useTranslation();
  const { id = '', tab = 'overview' } = useParams();
  const navigate = useNavigate();
  const pipeline = usePipeline(id);

  if (!TABS.includes(tab as Tab)) return <Navigate to={`/pipelines/${id}/overview`} replace />;
  if (pipeline.error) return <ProblemAlert error={pipeline.error} onRetry={() => pipeline.refetch()} />;
  if (!pipeline.data) return <PageLoading />;
  const p = pipeline.data;

  const body = (k: Tab) => {
    switch (k) {
      case 'overview':
        return <PipelineOverviewTab pipeline={p} />;
      case 'yaml':
        return <YamlTab pipeline={p} />;
      case 'versions':
        return <VersionsTab pipeline={p} />;
      case 'runs':
        return <RunsTab pipeline={p} />;
      case 'savepoints':
        return <SavepointsTab pipeline={p} />;
      case 'ds':
        return <DsTab pipeline={p} />;
    }
  };

  return (
    <div className="page" data-testid="pipeline-page">
      <div className="page-head">
        <Space align="center" wrap>
          <Typography.Title level={2} data-testid="pipeline-name">
            {p.name}
          </Typography.Title>
          <StateBadge state={p.currentRun?.state} stale={p.currentRun?.stale} />
        </Space>
        <Space wrap>
          <PipelineActions pipeline={p} />
          <Button onClick={() => void download(p.id, p.name)}>{t('pipelines.export')}</Button>
          <RoleGate min="admin">
            <RevealSecrets pipeline={p} />
          </RoleGate>
        </Space>
      </div>
      <Tabs
        activeKey={tab}
        onChange={(k) => navigate(`/pipelines/${id}/${k}`)}
        destroyOnHidden
        items={TABS.map((k) => ({
          key: k,
          label: k === 'ds' ? t('ds.tab') : t(`pipeline.tabs.${k}`),
          children: <Suspense fallback={<PageLoading />}>{k === tab ? body(k) : null}</Suspense>,
        }))}
      />
    </div>
  );
}
