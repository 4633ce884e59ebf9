import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { pipelinesApi } from '../api/pipelines';
import { secretsApi } from '../api/secrets';
import { keys } from './keys';

export function useSecrets() {
  return useQuery({ queryKey: keys.secrets, queryFn: ({ signal }) => secretsApi.list(signal) });
}

export function usePutSecret() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { name: string; value: string; description: string; version?: number }) =>
      secretsApi.put(v.name, v.value, v.description, v.version),
    // settled, not only on success: after a 412 the list brings the version to edit
    onSettled: () => qc.invalidateQueries({ queryKey: keys.secrets }),
  });
}

export function useDeleteSecret() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { name: string; version: number }) => secretsApi.remove(v.name, v.version),
    onSettled: () => qc.invalidateQueries({ queryKey: keys.secrets }),
  });
}

/** The plaintext of a pipeline's secrets (admin, audited): a mutation, so it happens only on an explicit click and is never cached. */
export function useRevealSecrets() {
  return useMutation({ mutationFn: (pipelineId: number) => pipelinesApi.reveal(pipelineId) });
}
