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
    mutationFn: (v: { existing?: { name: string; version: number }; input: AlertChannelInput }) =>
      v.existing === undefined
        ? alertsApi.createChannel(v.input)
        : alertsApi.updateChannel(
            v.existing.name,
            v.input.config as AlertChannelConfig,
            v.input.description ?? '',
            v.existing.version,
          ),
    // settled, not only on success: after a 412 the list brings the version to edit
    onSettled: () => qc.invalidateQueries({ queryKey: keys.alerts.channels }),
  });
}

export function useDeleteAlertChannel() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { name: string; version: number }) => alertsApi.removeChannel(v.name, v.version),
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
    mutationFn: (v: { existing?: { id: number; version: number }; input: AlertRuleInput }) =>
      v.existing === undefined
        ? alertsApi.createRule(v.input)
        : alertsApi.updateRule(v.existing.id, v.input, v.existing.version),
    // settled, not only on success: after a 412 the list brings the version to edit
    onSettled: () => qc.invalidateQueries({ queryKey: keys.alerts.rules }),
  });
}

export function useDeleteAlertRule() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id: number; version: number }) => alertsApi.removeRule(v.id, v.version),
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
    mutationFn: (v: { id: number; version: number }) => alertsApi.removeSilence(v.id, v.version),
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
