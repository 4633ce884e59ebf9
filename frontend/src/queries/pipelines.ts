import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { pipelinesApi, type PipelineFilter } from '../api/pipelines';
import type { Pipeline, PipelineInput, PipelineSpec } from '../api/types';
import { keys } from './keys';

export function usePipelines(filter: PipelineFilter) {
  return useQuery({
    queryKey: keys.pipelines.list(filter),
    queryFn: ({ signal }) => pipelinesApi.list(filter, signal),
    placeholderData: keepPreviousData,
  });
}

export function usePipeline(id: number | string) {
  return useQuery({
    queryKey: keys.pipelines.one(id),
    queryFn: async ({ signal }) => (await pipelinesApi.get(id, signal)).data,
  });
}

export function usePipelineVersions(id: number | string) {
  return useQuery({
    queryKey: keys.pipelines.versions(id),
    queryFn: ({ signal }) => pipelinesApi.versions(id, signal),
  });
}

export function usePipelineVersion(id: number | string, n: number | null) {
  return useQuery({
    queryKey: keys.pipelines.version(id, n ?? 0),
    queryFn: ({ signal }) => pipelinesApi.version(id, n!, signal),
    enabled: n !== null && n > 0,
  });
}

function useSavedPipeline() {
  const qc = useQueryClient();
  return (saved: Pipeline) => {
    qc.setQueryData(keys.pipelines.one(saved.id), (old: Pipeline | undefined) => ({ ...old, ...saved }));
    qc.invalidateQueries({ queryKey: keys.pipelines.all });
    qc.invalidateQueries({ queryKey: keys.overview });
  };
}

export function useCreatePipeline() {
  const saved = useSavedPipeline();
  return useMutation({
    mutationFn: async (input: PipelineSpec) => (await pipelinesApi.create(input)).data,
    onSuccess: saved,
  });
}

export function useImportPipeline() {
  const saved = useSavedPipeline();
  return useMutation({
    mutationFn: async (v: { text: string; name?: string; cluster?: string }) =>
      (await pipelinesApi.importYaml(v.text, v.name, v.cluster)).data,
    onSuccess: saved,
  });
}

/** Saves against the version the editor started from: a 412 means someone else saved in between. */
export function useUpdatePipeline(id: number | string) {
  const saved = useSavedPipeline();
  return useMutation({
    mutationFn: async (v: { input: PipelineInput; version: number }) =>
      (await pipelinesApi.update(id, v.input, v.version)).data,
    onSuccess: saved,
  });
}

export function useRollbackPipeline(id: number | string) {
  const saved = useSavedPipeline();
  return useMutation({
    mutationFn: async (v: { to: number; version: number }) => (await pipelinesApi.rollback(id, v.to, v.version)).data,
    onSuccess: saved,
  });
}

export function useDeletePipeline() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id: number; version: number }) => pipelinesApi.remove(v.id, v.version),
    onSettled: () => {
      qc.invalidateQueries({ queryKey: keys.pipelines.all });
      qc.invalidateQueries({ queryKey: keys.overview });
    },
  });
}
