import { useEffect, useState } from 'react';
import { ApiError } from '../../api/client';
import { pipelinesApi } from '../../api/pipelines';
import type { FieldError, Validation } from '../../api/types';
import type { Marker } from '../../components/YamlEditor';

const VALIDATE_DELAY_MS = 600;

/** Server validation of the text being edited, asked after a pause in typing. */
export function useValidation(text: string, cluster: string | undefined) {
  const [result, setResult] = useState<Validation | null>(null);
  const [checking, setChecking] = useState(false);
  useEffect(() => {
    if (!text.trim()) {
      setResult(null);
      return;
    }
    const ctrl = new AbortController();
    setChecking(true);
    const timer = setTimeout(() => {
      pipelinesApi.validate(text, cluster, ctrl.signal).then(
        (v) => {
          setResult(v);
          setChecking(false);
        },
        (e: unknown) => {
          if (ctrl.signal.aborted) return;
          // A 400 with errors is a validation answer too.
          if (e instanceof ApiError && e.fieldErrors.length)
            setResult({ valid: false, errors: e.fieldErrors, warnings: [] });
          setChecking(false);
        },
      );
    }, VALIDATE_DELAY_MS);
    return () => {
      clearTimeout(timer);
      ctrl.abort();
    };
  }, [text, cluster]);
  return { result, checking };
}

export function markersOf(errors: FieldError[], warnings: FieldError[]): Marker[] {
  return [
    ...errors.map((e) => ({
      line: e.line,
      column: e.column,
      message: `${e.path}: ${e.message}`,
      severity: 'error' as const,
    })),
    ...warnings.map((e) => ({
      line: e.line,
      column: e.column,
      message: `${e.path}: ${e.message}`,
      severity: 'warning' as const,
    })),
  ];
}
