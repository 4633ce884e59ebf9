import { body, http, ifMatch } from './client';
import type { AlertChannelConfig, AlertChannelInput, AlertDeliveryStatus, AlertRuleInput } from './types';

const all = { limit: 500 };

/**
 * Alerting: channels (admins write), rules and silences (operators write), what fires now, and the deliveries.
 * Changes and deletes send the `version` read as If-Match (412 when someone changed it meanwhile).
 */
export const alertsApi = {
  channels: (signal?: AbortSignal) => body(http.GET('/alert-channels', { params: { query: all }, signal })),
  createChannel: (input: AlertChannelInput) => body(http.POST('/alert-channels', { body: input })),
  /** A secret setting sent as the mask (or left out) keeps the stored one. */
  updateChannel: (name: string, config: AlertChannelConfig, description: string, version: number) =>
    body(
      http.PUT('/alert-channels/{name}', {
        params: { path: { name }, header: ifMatch(version) },
        body: { config, description },
      }),
    ),
  /** 409 while a rule sends to it. */
  removeChannel: (name: string, version: number) =>
    body(http.DELETE('/alert-channels/{name}', { params: { path: { name }, header: ifMatch(version) } })),
  testChannel: (name: string) => body(http.POST('/alert-channels/{name}/test', { params: { path: { name } } })),

  rules: (signal?: AbortSignal) => body(http.GET('/alert-rules', { params: { query: all }, signal })),
  createRule: (input: AlertRuleInput) => body(http.POST('/alert-rules', { body: input })),
  updateRule: (ruleId: number, input: AlertRuleInput, version: number) =>
    body(http.PUT('/alert-rules/{ruleId}', { params: { path: { ruleId }, header: ifMatch(version) }, body: input })),
  removeRule: (ruleId: number, version: number) =>
    body(http.DELETE('/alert-rules/{ruleId}', { params: { path: { ruleId }, header: ifMatch(version) } })),

  silences: (signal?: AbortSignal) => body(http.GET('/alert-silences', { params: { query: all }, signal })),
  createSilence: (input: { pipeline: string; until: string; reason?: string }) =>
    body(http.POST('/alert-silences', { body: input })),
  /** Silences are not edited: their version is always 1, sent all the same like every delete. */
  removeSilence: (silenceId: number, version: number) =>
    body(http.DELETE('/alert-silences/{silenceId}', { params: { path: { silenceId }, header: ifMatch(version) } })),

  firing: (signal?: AbortSignal) => body(http.GET('/alerts', { params: { query: all }, signal })),

  deliveries: (status: AlertDeliveryStatus | undefined, signal?: AbortSignal) =>
    body(http.GET('/alert-deliveries', { params: { query: { limit: 200, ...(status ? { status } : {}) } }, signal })),
  retryDelivery: (deliveryId: number) =>
    body(http.POST('/alert-deliveries/{deliveryId}/retry', { params: { path: { deliveryId } } })),
};
