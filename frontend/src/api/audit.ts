import { body, http, unwrap } from './client';
import type { operations } from './schema.gen';

/** GET /audit's filters and paging. */
export type AuditFilter = NonNullable<operations['listAuditEvents']['parameters']['query']>;

/** The filters without paging: what the export takes. */
export function exportFilter(filter: AuditFilter): NonNullable<operations['exportAuditEvents']['parameters']['query']> {
  const { limit, offset, ...rest } = filter;
  return Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined && v !== null && v !== ''));
}

export const auditApi = {
  list: (filter: AuditFilter, signal?: AbortSignal) => body(http.GET('/audit', { params: { query: filter }, signal })),
  /** Every row the filters match, as the server's CSV file (at most 100000 rows; more answer 400), with its name. */
  async exportCsv(filter: AuditFilter): Promise<{ blob: Blob; fileName: string }> {
    const pending = http.GET('/audit/export', {
      params: { query: exportFilter(filter) },
      parseAs: 'blob',
      headers: { Accept: 'text/csv, application/problem+json' },
    });
    const answer = await unwrap(pending);
    const disposition = (await pending).response.headers.get('Content-Disposition') ?? '';
    return { blob: answer.data as Blob, fileName: /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'audit.csv' };
  },
};
