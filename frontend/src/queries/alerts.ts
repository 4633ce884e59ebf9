import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { alertsApi } from '../api/alerts';
import type { AlertChannelConfig, AlertChannelInput, AlertDeliveryStatus, AlertRuleInput } from '../api/types';
import { keys } from './keys';

export function useAlertChannels() {
  return useQuery({ queryKey: keys.alerts.channels, queryFn: ({ signal }) => alertsApi.channels(signal) });
}

export function useSaveAlertChannel() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { existing?: string; input: AlertChannelInput }) =>
      v.existing === undefined
        ? alertsApi.createChannel(v.input)
        : alertsApi.updateChannel(v.existing, v.input.config as AlertChannelConfig, v.input.description ?? ''),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.alerts.channels }),
  });
}

export function useDeleteAlertChannel() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => alertsApi.removeChannel(name),
    onSettled: () => qc.invalidateQueries({ queryKey: keys.alerts.channels }),
  });
}

export function useTestAlertChannel() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => alertsApi.testChannel(name),
    // a test is a delivery too
    onSettled: () => qc.invalidateQueries({ queryKey: keys.alerts.deliveries }),
  });
}

export function useAlertRules() {
  return useQuery({ queryKey: keys.alerts.rules, queryFn: ({ signal }) => alertsApi.rules(signal) });
}

export function useSaveAlertRule() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id?: number; input: AlertRuleInput }) =>
      v.id === undefined ? alertsApi.createRule(v.input) : alertsApi.updateRule(v.id, v.input),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.alerts.rules }),
  });
}

export function useDeleteAlertRule() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => alertsApi.removeRule(id),
    onSettled: () => {
      qc.invalidateQueries({ queryKey: keys.alerts.rules });
      qc.invalidateQueries({ queryKey: keys.alerts.firing });
    },
  });
}

export function useAlertSilences() {
  return useQuery({ queryKey: keys.alerts.silences, queryFn: ({ signal }) => alertsApi.silences(signal) });
}

export function useCreateAlertSilence() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { pipeline: string; until: string; reason?: string }) => alertsApi.createSilence(input),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.alerts.silences }),
  });
}

export function useDeleteAlertSilence() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => alertsApi.removeSilence(id),
    onSettled: () => qc.invalidateQueries({ queryKey: keys.alerts.silences }),
  });
}

/** What fires changes with the health samples: looked at again every 10 s. */
export function useFiringAlerts() {
  return useQuery({
    queryKey: keys.alerts.firing,
    queryFn: ({ signal }) => alertsApi.firing(signal),
    refetchInterval: 10_000,
  });
}

/** Deliveries change in the background (attempts, back-off): looked at again every few seconds while any is pending. */
export function useAlertDeliveries(status?: AlertDeliveryStatus) {
  return useQuery({
    queryKey: keys.alerts.deliveriesOf(status),
    queryFn: ({ signal }) => alertsApi.deliveries(status, signal),
    refetchInterval: (q) => (q.state.data?.items.some((d) => d.status === 'PENDING') ? 2_000 : 10_000),
  });
}

export function useRetryAlertDelivery() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => alertsApi.retryDelivery(id),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.alerts.deliveries }),
  });
}
