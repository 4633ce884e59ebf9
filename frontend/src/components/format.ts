import { useTranslation } from 'react-i18next';

/** Dates and durations in the current language. */
export function useFormat() {
  const { t, i18n } = useTranslation();
  const dtf = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'medium' });
  return {
    dateTime(iso: string | null | undefined): string {
      if (!iso) return '—';
      const d = new Date(iso);
      return Number.isNaN(d.getTime()) ? iso : dtf.format(d);
    },
    duration(ms: number | null | undefined): string {
      if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
      if (ms < 1000) return t('time.ms', { n: Math.round(ms) });
      const s = ms / 1000;
      if (s < 60) return t('time.s', { n: Math.round(s) });
      if (s < 3600) return t('time.m', { n: Math.round(s / 60) });
      if (s < 86400) return t('time.h', { n: Math.round((s / 3600) * 10) / 10 });
      return t('time.d', { n: Math.round((s / 86400) * 10) / 10 });
    },
  };
}
