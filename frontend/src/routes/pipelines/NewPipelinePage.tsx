import { App as AntApp, Button, Card, Form, Input, Select, Typography, Upload } from 'antd';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { ApiError } from '../../api/client';
import { fieldErrorMap, ProblemAlert } from '../../components/errors';
import { PageLoading } from '../../components/Layout';
import { useClusters } from '../../queries/clusters';
import { useTemplates } from '../../queries/misc';
import { useCreatePipeline, useImportPipeline } from '../../queries/pipelines';
import { markersOf, useValidation } from './useValidation';

const YamlEditor = lazy(() => import('../../components/YamlEditor'));

/** A new pipeline from a template (or empty), or from an exported YAML file. */
export default function NewPipelinePage() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const navigate = useNavigate();
  const clusters = useClusters();
  const templates = useTemplates();
  const create = useCreatePipeline();
  const importing = useImportPipeline();
  const [name, setName] = useState('');
  const [cluster, setCluster] = useState<number>();
  const [yaml, setYaml] = useState('');
  const fields = fieldErrorMap(create.error);
  const clusterName = clusters.data?.items.find((c) => c.id === cluster)?.name;
  const { result } = useValidation(yaml, clusterName);
  const saveErrors = (create.error instanceof ApiError ? create.error.fieldErrors : []).filter((e) => e.line);
  const markers = markersOf([...(result?.errors ?? []), ...saveErrors], result?.warnings ?? []);

  const onCreate = () =>
    create.mutate(
      { name, clusterId: cluster, yaml, comment: '' },
      {
        onSuccess: (p) => {
          void message.success(t('newPipeline.created', { name: p.name }));
          navigate(`/pipelines/${p.id}/overview`);
        },
      },
    );

  const onImport = async (file: File) => {
    const text = await file.text();
    importing.mutate(
      { text, name: name || undefined, cluster: clusterName },
      {
        onSuccess: (p) => {
          void message.success(t('newPipeline.imported', { name: p.name }));
          navigate(`/pipelines/${p.id}/overview`);
        },
      },
    );
    return false;
  };

  return (
    <div className="page" data-testid="new-pipeline-page">
      <Typography.Title level={2}>{t('newPipeline.title')}</Typography.Title>
      <Card size="small">
        <Form layout="vertical">
          <Form.Item
            label={t('common.name')}
            required
            validateStatus={fields.name ? 'error' : undefined}
            help={fields.name}
          >
            <Input
              value={name}
              onChange={(e) => setName(e.target.value)}
              placeholder={t('newPipeline.namePlaceholder')}
              data-testid="new-name"
            />
          </Form.Item>
          <Form.Item
            label={t('common.cluster')}
            required
            validateStatus={fields.cluster || fields.clusterId ? 'error' : undefined}
            help={fields.cluster ?? fields.clusterId}
          >
            <Select
              aria-label={t('common.cluster')}
              value={cluster}
              onChange={setCluster}
              options={(clusters.data?.items ?? []).map((c) => ({ value: c.id, label: c.name }))}
            />
          </Form.Item>
          <Form.Item label={t('newPipeline.template')}>
            <Select
              aria-label={t('newPipeline.template')}
              placeholder={t('newPipeline.noTemplate')}
              loading={templates.isLoading}
              onChange={(id: string) => setYaml(templates.data?.items.find((x) => x.id === id)?.yaml ?? '')}
              options={(templates.data?.items ?? []).map((x) => ({ value: x.id, label: `${x.source} → ${x.sink}` }))}
            />
          </Form.Item>
          <Form.Item label="YAML" required>
            <Suspense fallback={<PageLoading />}>
              <YamlEditor value={yaml} onChange={setYaml} markers={markers} label={t('yaml.editorLabel')} />
            </Suspense>
          </Form.Item>
          <ProblemAlert error={create.error} shownFields={['name', 'cluster', 'clusterId']} />
          <Button
            type="primary"
            onClick={onCreate}
            loading={create.isPending}
            disabled={!name || !cluster || !yaml.trim()}
            className="section-gap"
            data-testid="create-pipeline"
          >
            {t('newPipeline.create')}
          </Button>
        </Form>
      </Card>
      <Card size="small" title={t('newPipeline.importTitle')} className="section-gap">
        <Upload accept=".yaml,.yml,text/yaml" showUploadList={false} beforeUpload={onImport}>
          <Button loading={importing.isPending}>{t('newPipeline.chooseFile')}</Button>
        </Upload>
        <ProblemAlert error={importing.error} />
      </Card>
    </div>
  );
}
