import { useEffect, useRef } from 'react';
import { basicSetup, EditorView } from 'codemirror';
import { EditorState, type Extension } from '@codemirror/state';
import { linter, lintGutter, type Diagnostic } from '@codemirror/lint';
import { MergeView } from '@codemirror/merge';
import { json } from '@codemirror/lang-json';
import { yaml } from '@codemirror/lang-yaml';
import { xml } from '@codemirror/lang-xml';
import { type ContentProblem, offsetOf } from './validation';

function language(type: string): Extension[] {
  switch (type) {
    case 'json': return [json()];
    case 'yaml': return [yaml()];
    case 'xml': case 'html': return [xml()];
    default: return [];
  }
}

/** The config editor: CodeMirror 6 with the type's highlighting and the current problem marked where it is. */
export function ConfigEditor(props: { value: string; type: string; problem: ContentProblem | null; readOnly?: boolean; onChange: (v: string) => void }) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const problem = useRef(props.problem);
  const onChange = useRef(props.onChange);
  problem.current = props.problem;
  onChange.current = props.onChange;

  useEffect(() => {
    const lint = linter(v => {
      const p = problem.current;
      if (!p) return [];
      const text = v.state.doc.toString();
      const from = offsetOf(text, p.line, p.column);
      const d: Diagnostic = { from, to: Math.min(from + 1, text.length), severity: 'error', message: p.message };
      return [d];
    }, { delay: 100 });
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: props.value,
        extensions: [basicSetup, ...language(props.type), lintGutter(), lint, EditorState.readOnly.of(!!props.readOnly),
          EditorView.updateListener.of(u => { if (u.docChanged) onChange.current(u.state.doc.toString()); })],
      }),
    });
    view.current = v;
    return () => v.destroy();
    // The editor is rebuilt when the type changes (another language); content changes flow through the view itself.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.type, props.readOnly]);

  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== props.value) {
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: props.value } });
    }
  }, [props.value]);

  useEffect(() => {
    // Re-run the linter when the problem changes (the server's answer arrives after the keystroke).
    const v = view.current;
    if (v) v.dispatch({});
  }, [props.problem]);

  return <div className="editor" ref={host} data-testid="editor" />;
}

/** Two versions side by side (CodeMirror's merge view), read-only. */
export function DiffView(props: { before: string; after: string; type: string; beforeLabel: string; afterLabel: string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const extensions = [basicSetup, ...language(props.type), EditorState.readOnly.of(true), EditorView.editable.of(false)];
    const merge = new MergeView({
      parent: host.current!,
      a: { doc: props.before, extensions },
      b: { doc: props.after, extensions },
      collapseUnchanged: { margin: 3, minSize: 6 },
    });
    return () => merge.destroy();
  }, [props.before, props.after, props.type]);
  return (
    <div className="diff" data-testid="diff">
      <div className="diff-labels"><span>{props.beforeLabel}</span><span>{props.afterLabel}</span></div>
      <div ref={host} />
    </div>
  );
}
