import { useTranslation } from 'react-i18next';

// One formatter per language: building an Intl.DateTimeFormat costs more than formatting a page of dates with it.
const formatters = new Map<string, Intl.DateTimeFormat>();
function dateTimeFormat(language: string): Intl.DateTimeFormat {
  let dtf = formatters.get(language);
  if (!dtf) {
    dtf = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'medium' });
    formatters.set(language, dtf);
  }
  return dtf;
}

/** Dates and durations in the current language. */
export function useFormat() {
  const { t, i18n } = useTranslation();
  const dtf = dateTimeFormat(i18n.language);
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
