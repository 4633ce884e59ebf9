import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { tokensApi } from '../api/tokens';
import type { NewApiToken } from '../api/types';
import { keys } from './keys';

export function useTokens(everyone: boolean) {
  return useQuery({ queryKey: keys.tokens.list(everyone), queryFn: ({ signal }) => tokensApi.list(everyone, signal) });
}

/** The created token's secret lives only in this mutation's result: it is never put in the query cache. */
export function useCreateToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: NewApiToken) => tokensApi.create(input),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.tokens.all }),
  });
}

export function useRevokeToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => tokensApi.revoke(id),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.tokens.all }),
  });
}
