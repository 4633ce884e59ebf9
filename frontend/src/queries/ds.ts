import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { dsApi } from '../api/ds';
import type { DsConnectionInput, DsTriggerInput, DsVersion } from '../api/types';
import { keys } from './keys';

export function useDsConnections() {
  return useQuery({ queryKey: keys.ds.connections, queryFn: ({ signal }) => dsApi.connections(signal) });
}

export function useSaveDsConnection() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { existing?: { name: string; revision: number }; input: DsConnectionInput }) =>
      v.existing === undefined
        ? dsApi.createConnection(v.input)
        : dsApi.updateConnection(v.existing.name, v.input, v.existing.revision),
    // settled, not only on success: after a 412 the list brings the revision to edit
    onSettled: () => qc.invalidateQueries({ queryKey: keys.ds.connections }),
  });
}

export function useDeleteDsConnection() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { name: string; revision: number }) => dsApi.removeConnection(v.name, v.revision),
    onSettled: () => qc.invalidateQueries({ queryKey: keys.ds.connections }),
  });
}

export function useTestDsConnection() {
  return useMutation({ mutationFn: (name: string) => dsApi.testConnection(name) });
}

export function useDsTriggers(pipelineId: number) {
  return useQuery({
    queryKey: keys.ds.triggers(pipelineId),
    queryFn: ({ signal }) => dsApi.triggers(pipelineId, signal),
  });
}

export function useSaveDsTrigger(pipelineId: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id?: number; version?: number; input: DsTriggerInput }) =>
      v.id === undefined
        ? dsApi.createTrigger(pipelineId, v.input)
        : dsApi.updateTrigger(pipelineId, v.id, v.input, v.version ?? 0),
    onSettled: () => qc.invalidateQueries({ queryKey: keys.ds.triggers(pipelineId) }),
  });
}

export function useDeleteDsTrigger(pipelineId: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id: number; version: number }) => dsApi.removeTrigger(pipelineId, v.id, v.version),
    onSettled: () => {
      qc.invalidateQueries({ queryKey: keys.ds.triggers(pipelineId) });
      qc.invalidateQueries({ queryKey: keys.ds.deliveries(pipelineId) });
    },
  });
}

/** Deliveries change in the background (attempts, back-off): looked at again every few seconds while any is pending. */
export function useDsDeliveries(pipelineId: number) {
  return useQuery({
    queryKey: keys.ds.deliveries(pipelineId),
    queryFn: ({ signal }) => dsApi.deliveries(pipelineId, signal),
    refetchInterval: (q) => (q.state.data?.items.some((d) => d.status === 'PENDING') ? 2_000 : 10_000),
  });
}

export function useRetryDsDelivery(pipelineId: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => dsApi.retryDelivery(pipelineId, id),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.ds.deliveries(pipelineId) }),
  });
}

export function useDsSnippet(pipelineId: number, version: DsVersion) {
  return useQuery({
    queryKey: keys.ds.snippet(pipelineId, version),
    queryFn: ({ signal }) => dsApi.snippet(pipelineId, version, signal),
    staleTime: Infinity,
  });
}
