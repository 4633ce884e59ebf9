import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { meApi } from '../api/me';
import { orphansApi } from '../api/orphans';
import { catalogApi, overviewApi } from '../api/overview';
import { keys } from './keys';

export function useOverview() {
  return useQuery({ queryKey: keys.overview, queryFn: ({ signal }) => overviewApi.get(signal), retry: false });
}

export function useTransitions(pipeline?: string, limit = 20) {
  return useQuery({
    queryKey: [...keys.transitions(pipeline), limit],
    queryFn: ({ signal }) => overviewApi.transitions({ limit, pipeline }, signal),
    retry: false,
  });
}

export function useTemplates() {
  return useQuery({
    queryKey: keys.templates,
    queryFn: ({ signal }) => catalogApi.templates(signal),
    retry: false,
    staleTime: Infinity,
  });
}

export function useOrphans() {
  return useQuery({ queryKey: keys.orphans, queryFn: ({ signal }) => orphansApi.list(signal) });
}

export function useAdopt() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { pipelineId: number; jobId: string }) => orphansApi.adopt(v.pipelineId, v.jobId),
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: keys.orphans });
      qc.invalidateQueries({ queryKey: keys.pipelines.all });
      qc.invalidateQueries({ queryKey: keys.runs.all });
      qc.invalidateQueries({ queryKey: keys.overview });
    },
  });
}

export function useChangePassword() {
  return useMutation({ mutationFn: (v: { current: string; next: string }) => meApi.changePassword(v.current, v.next) });
}
