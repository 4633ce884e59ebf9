import { Button, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ProblemAlert } from '../../components/errors';
import { RoleGate } from '../../components/RoleGate';
import { useClusters } from '../../queries/clusters';
import { ClustersHealthTable } from './ClustersTable';
import { ClusterForm } from './ClusterForm';

export default function ClustersPage() {
  const { t } = useTranslation();
  const clusters = useClusters();
  const [adding, setAdding] = useState(false);
  return (
    <div className="page" data-testid="clusters-page">
      <div className="page-head">
        <Typography.Title level={2}>{t('nav.clusters')}</Typography.Title>
        <RoleGate min="admin">
          <Button type="primary" onClick={() => setAdding(true)} data-testid="add-cluster">
            {t('cluster.add')}
          </Button>
        </RoleGate>
      </div>
      <ProblemAlert error={clusters.error} onRetry={() => clusters.refetch()} />
      <ClustersHealthTable clusters={clusters.data?.items ?? []} loading={clusters.isLoading} />
      {adding ? <ClusterForm open onClose={() => setAdding(false)} /> : null}
    </div>
  );
}
