import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { clustersApi } from '../api/clusters';
import type { ClusterInput } from '../api/types';
import { keys } from './keys';

export function useClusters() {
  return useQuery({ queryKey: keys.clusters.list, queryFn: ({ signal }) => clustersApi.list(undefined, signal) });
}

export function useCluster(id: number | string) {
  return useQuery({
    queryKey: keys.clusters.one(id),
    queryFn: async ({ signal }) => (await clustersApi.get(id, signal)).data,
  });
}

export function useSaveCluster() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (v: { id?: number; input: ClusterInput; version?: number }) =>
      v.id === undefined
        ? (await clustersApi.create(v.input)).data
        : (await clustersApi.update(v.id, v.input, v.version ?? 0)).data,
    onSuccess: (c) => {
      qc.setQueryData(keys.clusters.one(c.id), c);
      qc.invalidateQueries({ queryKey: keys.clusters.all });
      qc.invalidateQueries({ queryKey: keys.overview });
    },
  });
}

export function useDeleteCluster() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id: number; version: number }) => clustersApi.remove(v.id, v.version),
    // settled, not only on success: after a 412 the list brings the version to delete
    onSettled: () => {
      qc.invalidateQueries({ queryKey: keys.clusters.all });
      qc.invalidateQueries({ queryKey: keys.overview });
    },
  });
}

export function useClusterSavepointSchedule(id: number | string) {
  return useQuery({ queryKey: keys.clusters.schedule(id), queryFn: ({ signal }) => clustersApi.schedule(id, signal) });
}

export function useSetClusterSavepointSchedule(id: number | string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (interval: string | null) => clustersApi.setSchedule(id, interval),
    onSuccess: (schedule) => {
      qc.setQueryData(keys.clusters.schedule(id), schedule);
      // the pipelines on the cluster inherit it
      qc.invalidateQueries({ queryKey: ['runs', 'schedule'] });
    },
  });
}
