import { Table } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { Cluster } from '../../api/types';
import { useFormat } from '../../components/format';
import { ClusterStatusBadge } from '../../components/StateBadge';

export function ClustersHealthTable({ clusters, loading }: { clusters: Cluster[]; loading: boolean }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <Table<Cluster>
      size="small"
      rowKey="id"
      loading={loading}
      pagination={false}
      dataSource={clusters}
      locale={{ emptyText: t('overview.noClusters') }}
      columns={[
        {
          title: t('common.name'),
          dataIndex: 'name',
          render: (_, c) => <Link to={`/clusters/${c.id}`}>{c.name}</Link>,
        },
        { title: t('cluster.status'), render: (_, c) => <ClusterStatusBadge status={c.health?.status} /> },
        { title: t('cluster.flinkVersion'), render: (_, c) => c.health?.flinkVersion ?? '—' },
        {
          title: t('cluster.slots'),
          render: (_, c) =>
            c.health?.slotsTotal !== null && c.health?.slotsTotal !== undefined
              ? `${c.health.slotsFree ?? 0} / ${c.health.slotsTotal}`
              : '—',
        },
        {
          title: t('cluster.latency'),
          render: (_, c) => (c.health?.latencyMs != null ? f.duration(c.health.latencyMs) : '—'),
        },
        {
          title: t('cluster.lastSeen'),
          render: (_, c) => (c.health?.lastSeen ? f.dateTime(c.health.lastSeen) : t('cluster.never')),
        },
      ]}
    />
  );
}
