import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { auditApi, type AuditFilter } from '../api/audit';
import { keys } from './keys';

export function useAudit(filter: AuditFilter) {
  return useQuery({
    queryKey: keys.audit.list(filter),
    queryFn: ({ signal }) => auditApi.list(filter, signal),
    placeholderData: keepPreviousData,
  });
}

/** Fetches the CSV of every matching row and hands it to the browser as a download. */
export function useExportAudit() {
  return useMutation({
    mutationFn: async (filter: AuditFilter) => {
      const { blob, fileName } = await auditApi.exportCsv(filter);
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = fileName;
      a.click();
      URL.revokeObjectURL(url);
      return fileName;
    },
  });
}
