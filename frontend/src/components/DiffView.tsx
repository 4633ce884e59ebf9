// Side-by-side diff of two YAML texts (@codemirror/merge), read-only. Loaded lazily.
import { yaml } from '@codemirror/lang-yaml';
import { MergeView } from '@codemirror/merge';
import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { basicSetup } from 'codemirror';
import { useEffect, useRef } from 'react';

/** `unchanged` is the folded-lines text, with `$` where the count goes. */
export default function DiffView({
  left,
  right,
  label,
  unchanged,
}: {
  left: string;
  right: string;
  label: string;
  unchanged: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const side = [
      basicSetup,
      yaml(),
      EditorState.readOnly.of(true),
      EditorView.editable.of(false),
      EditorState.phrases.of({ '$ unchanged lines': unchanged }),
    ];
    const view = new MergeView({
      parent: host.current!,
      a: { doc: left, extensions: side },
      b: { doc: right, extensions: side },
      collapseUnchanged: { margin: 3, minSize: 6 },
    });
    return () => view.destroy();
  }, [left, right, unchanged]);
  return <div ref={host} className="diff-view" role="region" aria-label={label} data-testid="diff-view" />;
}
