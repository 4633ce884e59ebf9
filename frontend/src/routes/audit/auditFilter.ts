import type { AuditFilter } from '../../api/audit';
import type { AuditOutcome } from '../../api/types';

export const PAGE_SIZE = 50;
const OUTCOMES: readonly AuditOutcome[] = ['success', 'failure', 'denied'];
const TEXT = ['actor', 'action', 'resourceType', 'resourceId', 'since', 'until'] as const;

/**
 * The page's filters live in the address (shareable, kept on reload). `action` is a prefix: the page asks the server
 * for `<action>*` unless the text already ends in `*`.
 */
export function filterFromSearch(search: URLSearchParams): AuditFilter {
  const out: AuditFilter = {};
  for (const k of TEXT) {
    const v = search.get(k)?.trim();
    if (v) out[k] = v;
  }
  if (out.action && !out.action.endsWith('*')) out.action = `${out.action}*`;
  const outcome = search.get('outcome');
  if (outcome && (OUTCOMES as readonly string[]).includes(outcome)) out.outcome = outcome as AuditOutcome;
  const page = Number(search.get('page') ?? '1');
  const offset = Number.isInteger(page) && page > 1 ? (page - 1) * PAGE_SIZE : 0;
  return { ...out, limit: PAGE_SIZE, offset };
}

/** The address for these form values (page 1). */
export function searchFromValues(values: Record<string, string | undefined | null>): URLSearchParams {
  const out = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v) out.set(k, v);
  return out;
}
