/** The CodeMirror 6 editor of the current file: `.flow` highlighting, the checker's diagnostics, history. */
import { defaultKeymap, history, historyKeymap, indentWithTab, redo, undo } from '@codemirror/commands';
import { bracketMatching, defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { lintGutter, setDiagnostics, type Diagnostic as CmDiagnostic } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView, keymap, lineNumbers, highlightActiveLine } from '@codemirror/view';
import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';
import type { FileDiagnostic } from '../../../../language/index.js';
import type { TextChange } from '../../model/edits.js';
import { flowLanguage } from './flowLanguage.js';

export interface EditorHandle {
  apply(changes: readonly TextChange[]): void;
  replaceAll(text: string): void;
  undo(): void;
  redo(): void;
  goTo(offset: number): void;
  text(): string;
}

interface Props {
  path: string;
  text: string;
  diagnostics: readonly FileDiagnostic[];
  onChange(path: string, text: string): void;
  onSave(): void;
}

export const Editor = forwardRef<EditorHandle, Props>(function Editor(props, ref) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView>(undefined);
  /** Each file keeps its own state (and undo history) while the designer is open. */
  const states = useRef(new Map<string, EditorState>());
  const latest = useRef(props);
  latest.current = props;

  const makeState = (path: string, text: string): EditorState =>
    EditorState.create({
      doc: text,
      extensions: [
        lineNumbers(),
        history(),
        highlightActiveLine(),
        bracketMatching(),
        flowLanguage,
        syntaxHighlighting(defaultHighlightStyle),
        lintGutter(),
        keymap.of([
          { key: 'Mod-s', preventDefault: true, run: () => (latest.current.onSave(), true) },
          ...defaultKeymap,
          ...historyKeymap,
          indentWithTab,
        ]),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) latest.current.onChange(path, update.state.doc.toString());
        }),
      ],
    });

  useEffect(() => {
    view.current = new EditorView({ parent: host.current!, state: makeState(props.path, props.text) });
    return () => view.current?.destroy();
    // created once; files are swapped below
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const current = v.state;
    const currentPath = [...states.current.entries()].find(([, s]) => s === current)?.[0];
    if (currentPath === props.path) return;
    if (currentPath) states.current.set(currentPath, current);
    let next = states.current.get(props.path);
    if (!next || next.doc.toString() !== props.text) next = makeState(props.path, props.text);
    states.current.set(props.path, next);
    v.setState(next);
    // only a change of file swaps the state; text changes come from the editor itself
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.path]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    if (!states.current.has(props.path)) states.current.set(props.path, v.state);
    const length = v.state.doc.length;
    const cm: CmDiagnostic[] = props.diagnostics
      .filter((d) => d.file === props.path)
      .map((d) => ({
        from: Math.min(d.range.offset, length),
        to: Math.min(Math.max(d.range.endOffset, d.range.offset), length),
        severity: d.severity === 'info' ? 'info' : d.severity,
        message: `${d.message} [${d.code}]`,
      }));
    v.dispatch(setDiagnostics(v.state, cm));
  }, [props.diagnostics, props.path]);

  useImperativeHandle(ref, () => ({
    apply(changes) {
      const v = view.current!;
      v.dispatch({ changes: changes.map((c) => ({ from: c.from, to: c.to, insert: c.insert })) });
      states.current.set(latest.current.path, v.state);
    },
    replaceAll(text) {
      const v = view.current!;
      if (v.state.doc.toString() === text) return;
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: text } });
    },
    undo: () => void undo(view.current!),
    redo: () => void redo(view.current!),
    goTo(offset) {
      const v = view.current!;
      const at = Math.min(offset, v.state.doc.length);
      v.dispatch({ selection: { anchor: at }, scrollIntoView: true });
      v.focus();
    },
    text: () => view.current!.state.doc.toString(),
  }));

  return <div className="editor" ref={host} data-testid="editor" />;
});
