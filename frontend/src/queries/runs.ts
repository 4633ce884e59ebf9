import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { runsApi } from '../api/runs';
import type { Run, StartOptions, StopOptions } from '../api/types';
import { keys } from './keys';

export function usePipelineRuns(pipelineId: number | string, limit: number, offset: number) {
  return useQuery({
    queryKey: [...keys.runs.ofPipeline(pipelineId), limit, offset],
    queryFn: ({ signal }) => runsApi.list(pipelineId, limit, offset, signal),
  });
}

export function useRun(runId: number | string | null | undefined) {
  return useQuery({
    queryKey: keys.runs.one(runId ?? 0),
    queryFn: ({ signal }) => runsApi.get(runId!, signal),
    enabled: runId !== null && runId !== undefined,
  });
}

/** The last hour of a RUNNING run's health points, refreshed at the console's default metrics cadence. */
export function useRunMetrics(runId: number | string, enabled: boolean) {
  return useQuery({
    queryKey: [...keys.runs.one(runId), 'metrics'],
    queryFn: ({ signal }) => runsApi.metrics(runId, new Date(Date.now() - 3_600_000).toISOString(), signal),
    enabled,
    refetchInterval: 30_000,
  });
}

export function useLedger(pipelineId: number | string) {
  return useQuery({
    queryKey: keys.runs.ledger(pipelineId),
    queryFn: ({ signal }) => runsApi.ledger(pipelineId, signal),
  });
}

/** After a lifecycle call: the run it answered is the news; everything that shows it is refreshed. */
function useRunChanged(pipelineId: number | string) {
  const qc = useQueryClient();
  return (run: Run) => {
    qc.setQueryData(keys.runs.one(run.id), (old: Run | undefined) => ({ ...old, ...run }));
    qc.invalidateQueries({ queryKey: keys.pipelines.one(pipelineId) });
    qc.invalidateQueries({ queryKey: keys.pipelines.all });
    qc.invalidateQueries({ queryKey: keys.runs.ofPipeline(pipelineId) });
    qc.invalidateQueries({ queryKey: keys.runs.ledger(pipelineId) });
    qc.invalidateQueries({ queryKey: keys.overview });
  };
}

export function useStartRun(pipelineId: number | string) {
  const changed = useRunChanged(pipelineId);
  return useMutation({
    mutationFn: (v: { options: StartOptions; idempotencyKey: string }) =>
      runsApi.start(pipelineId, v.options, v.idempotencyKey),
    onSuccess: changed,
  });
}

export function useStopRun(pipelineId: number | string) {
  const changed = useRunChanged(pipelineId);
  return useMutation({ mutationFn: (options: StopOptions) => runsApi.stop(pipelineId, options), onSuccess: changed });
}

export function useCancelRun(pipelineId: number | string) {
  const changed = useRunChanged(pipelineId);
  return useMutation({ mutationFn: () => runsApi.cancel(pipelineId), onSuccess: changed });
}

export function useTriggerSavepoint(pipelineId: number | string) {
  const changed = useRunChanged(pipelineId);
  return useMutation({
    mutationFn: (targetDirectory?: string) => runsApi.savepoint(pipelineId, targetDirectory),
    onSuccess: changed,
  });
}

export function useSavepointSchedule(pipelineId: number | string) {
  return useQuery({
    queryKey: keys.runs.schedule(pipelineId),
    queryFn: ({ signal }) => runsApi.schedule(pipelineId, signal),
  });
}

export function useSetSavepointSchedule(pipelineId: number | string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (interval: string | null) => runsApi.setSchedule(pipelineId, interval),
    onSuccess: (schedule) => qc.setQueryData(keys.runs.schedule(pipelineId), schedule),
  });
}
