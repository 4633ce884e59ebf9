// CodeMirror 6 for pipeline YAML, with the server's validation shown as lint markers. Loaded lazily (only the YAML
// and versions tabs import it).
import { yaml } from '@codemirror/lang-yaml';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { basicSetup } from 'codemirror';
import { useEffect, useRef } from 'react';

export interface Marker {
  line?: number;
  column?: number;
  message: string;
  severity: 'error' | 'warning';
}

/** The document range a 1-based line/column names (the whole line when there is no column). */
function range(state: EditorState, m: Marker): { from: number; to: number } {
  const lines = state.doc.lines;
  const line = state.doc.line(Math.min(Math.max(m.line ?? 1, 1), lines));
  if (!m.column) return { from: line.from, to: line.to };
  const from = Math.min(line.from + m.column - 1, line.to);
  return { from, to: Math.max(from, line.to) };
}

export function toDiagnostics(state: EditorState, markers: Marker[]): Diagnostic[] {
  return markers.map((m) => ({ ...range(state, m), severity: m.severity, message: m.message }));
}

export default function YamlEditor({
  value,
  onChange,
  readOnly = false,
  markers = [],
  label,
}: {
  value: string;
  onChange?: (v: string) => void;
  readOnly?: boolean;
  markers?: Marker[];
  label: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const changed = useRef(onChange);
  changed.current = onChange;

  useEffect(() => {
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          basicSetup,
          yaml(),
          lintGutter(),
          EditorState.readOnly.of(readOnly),
          EditorView.editable.of(!readOnly),
          EditorView.contentAttributes.of({ 'aria-label': label, 'data-testid': 'yaml-editor' }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) changed.current?.(u.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = v;
    return () => v.destroy();
    // The editor is created once per mount; later values come in through the effect below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [readOnly]);

  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) {
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
    }
  }, [value]);

  useEffect(() => {
    const v = view.current;
    if (v) v.dispatch(setDiagnostics(v.state, toDiagnostics(v.state, markers)));
  }, [markers]);

  return <div ref={host} className="yaml-editor" />;
}
