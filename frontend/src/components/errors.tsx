import { Alert } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import type { FieldError } from '../api/types';

export interface Described {
  title: string;
  detail: string | null;
  fields: FieldError[];
}

/** A failed call in words: the problem's title and detail when the server sent them, else what the status means. */
export function describeError(e: unknown, t: TFunction): Described {
  if (e instanceof ApiError) {
    if (e.status === 0) return { title: t('errors.unreachable'), detail: null, fields: [] };
    // a stale If-Match: every edit and delete sends the version it read, so this means "reload", in the user's language
    if (e.status === 412) return { title: t('errors.stale'), detail: t('errors.staleDetail'), fields: [] };
    const p = e.problem;
    const known = { 401: 'unauthorized', 403: 'forbidden', 404: 'notFound', 429: 'tooMany' } as const;
    const key = known[e.status as keyof typeof known];
    const fallback: string = key
      ? t(`errors.${key}`)
      : e.status >= 500
        ? t('errors.server', { status: e.status })
        : t('errors.generic', { status: e.status });
    const title = p?.title || fallback;
    const detail = p?.detail && p.detail !== title ? p.detail : null;
    return { title, detail, fields: e.fieldErrors };
  }
  return { title: e instanceof Error ? e.message : String(e), detail: null, fields: [] };
}

/** One line: the most useful sentence of the error. */
export function errorText(e: unknown, t: TFunction): string {
  const d = describeError(e, t);
  return d.detail ?? d.title;
}

/** Field errors keyed by path, for Form.Item help/validateStatus. */
export function fieldErrorMap(e: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (e instanceof ApiError) e.fieldErrors.forEach((f) => (out[f.path] = f.message));
  return out;
}

/** A problem shown readable: title, detail, and the field errors not shown at their fields. */
export function ProblemAlert({
  error,
  shownFields = [],
  onRetry,
}: {
  error: unknown;
  shownFields?: string[];
  onRetry?: () => void;
}) {
  const { t } = useTranslation();
  if (!error) return null;
  const d = describeError(error, t);
  const rest = d.fields.filter((f) => !shownFields.includes(f.path));
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      data-testid="problem"
      title={d.title}
      description={
        d.detail || rest.length ? (
          <>
            {d.detail ? <div>{d.detail}</div> : null}
            {rest.length ? (
              <ul className="field-errors">
                {rest.map((f) => (
                  <li key={`${f.path}:${f.line ?? ''}:${f.column ?? ''}`}>
                    <code>{f.path}</code>: {f.message}
                  </li>
                ))}
              </ul>
            ) : null}
          </>
        ) : undefined
      }
      action={onRetry ? <a onClick={onRetry}>{t('common.retry')}</a> : undefined}
    />
  );
}
