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
    mutationFn: (v: { name: string; value: string; description: string }) => secretsApi.put(v.name, v.value, v.description),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.secrets }),
  });
}

export function useDeleteSecret() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => secretsApi.remove(name),
    onSettled: () => qc.invalidateQueries({ queryKey: keys.secrets }),
  });
}

/** The plaintext of a pipeline's secrets (admin, audited): a mutation, so it happens only on an explicit click and is never cached. */
export function useRevealSecrets() {
  return useMutation({ mutationFn: (pipelineId: number) => pipelinesApi.reveal(pipelineId) });
}
