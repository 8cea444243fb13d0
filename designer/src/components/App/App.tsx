/** The designer's screen: files, text, graph, properties, problems and simulation, kept in step. */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  parse,
  print,
  printTypeRef,
  type Document,
  type FileDiagnostic,
} from '../../../../language/index.js';
import { useAnalysis } from '../../hooks/useAnalysis.js';
import { useLayout } from '../../hooks/useLayout.js';
import { useSimulation } from '../../hooks/useSimulation.js';
import { useWorkspace } from '../../hooks/useWorkspace.js';
import { buildConversation, partyOfFlow } from '../../model/conversation.js';
import {
  addReceive,
  addSend,
  changeProgressLabel,
  changeSendType,
  deleteStatement,
  EditError,
  findFlow,
  insertStatement,
  moveStatement,
  rename,
  sendableTypes,
  type TextChange,
} from '../../model/edits.js';
import { flowsOf, flowStepGraph } from '../../model/flowGraph.js';
import { absolute, moveInSidecar, readSidecar, type LayoutSidecar } from '../../model/layoutGraph.js';
import { toSvg } from '../../model/svg.js';
import {
  conversationView,
  defaultExpanded,
  stepView,
  type ViewGraph,
  type ViewNode,
} from '../../model/view.js';
import type { SimLocation } from '../../sim/simulation.js';
import { Canvas } from '../Canvas/Canvas.js';
import { DiagnosticsPanel } from '../DiagnosticsPanel/DiagnosticsPanel.js';
import { Editor, type EditorHandle } from '../Editor/Editor.js';
import { FileList } from '../FileList/FileList.js';
import { Palette } from '../Palette/Palette.js';
import { ProgressPanel, type StartableFlow } from '../ProgressPanel/ProgressPanel.js';
import { PropertiesPanel, type ConnectTarget } from '../PropertiesPanel/PropertiesPanel.js';
import { Toolbar, type ViewChoice } from '../Toolbar/Toolbar.js';

function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  return offset + column - 1;
}

function download(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function App() {
  const workspace = useWorkspace();
  const payload = workspace.payload;
  const [texts, setTexts] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState<Record<string, string>>({});
  const [current, setCurrent] = useState<string>();
  const [viewKey, setViewKey] = useState('');
  const [expanded, setExpanded] = useState<Record<string, Set<string>>>({});
  const [selected, setSelected] = useState<string>();
  const [sidecars, setSidecars] = useState<Record<string, LayoutSidecar>>({});
  const [status, setStatus] = useState('Loading…');
  const editor = useRef<EditorHandle>(null);

  useEffect(() => {
    if (!payload) return;
    const initial = Object.fromEntries(payload.files.map((f) => [f.path, f.text]));
    setTexts(initial);
    setSaved(initial);
    setCurrent(payload.files[0]?.path);
    setSidecars(Object.fromEntries(Object.entries(payload.layouts).map(([p, v]) => [p, readSidecar(v)])));
  }, [payload]);

  const analysis = useAnalysis(payload, texts);
  const entry = current ? analysis?.documents[current] : undefined;
  const doc: Document | undefined = entry?.document;
  const flows = useMemo(() => (doc ? flowsOf(doc) : []), [doc]);

  const views = useMemo<ViewChoice[]>(() => {
    const out: ViewChoice[] = [];
    for (const f of flows)
      if (f.flowKind === 'initiating')
        out.push({ key: `conversation:${f.name.name}`, label: `Conversation: ${f.name.name}` });
    for (const f of flows) out.push({ key: `flow:${f.name.name}`, label: `Flow: ${f.name.name}` });
    return out;
  }, [flows]);
  useEffect(() => {
    if (views.length && !views.some((v) => v.key === viewKey)) setViewKey(views[0]!.key);
  }, [views, viewKey]);

  // the graph of the current view; an unparsable file keeps its last good graph
  const lastViews = useRef(new Map<string, ViewGraph>());
  const view = useMemo<ViewGraph | undefined>(() => {
    if (!analysis || !doc || !current || !viewKey) return undefined;
    if (entry?.stale && lastViews.current.has(viewKey)) return lastViews.current.get(viewKey);
    const [kind, name] = viewKey.split(':') as [string, string];
    let graph: ViewGraph | undefined;
    if (kind === 'conversation') {
      const conversation = buildConversation(analysis.index, name, analysis.diagnostics);
      if (conversation)
        graph = conversationView(conversation, expanded[viewKey] ?? defaultExpanded(conversation));
    } else {
      const flow = flows.find((f) => f.name.name === name);
      if (flow) graph = stepView(flowStepGraph(flow, current));
    }
    if (graph) lastViews.current.set(viewKey, graph);
    return graph ?? lastViews.current.get(viewKey);
  }, [analysis, doc, current, viewKey, expanded, flows, entry?.stale]);

  const sidecar = current ? sidecars[current] : undefined;
  const layout = useLayout(view, sidecar?.views[viewKey]);

  useEffect(() => {
    if (analysis)
      setStatus(
        `Checked in ${Math.round(analysis.millis)} ms${layout.millis !== undefined ? ` · laid out in ${Math.round(layout.millis)} ms` : ''}`,
      );
  }, [analysis, layout.millis]);

  const sim = useSimulation(analysis?.results, payload?.name ?? 'cordapp');
  const active = useMemo(() => {
    const ids = new Set<string>();
    if (!sim.state || !view) return ids;
    for (const a of sim.state.active) {
      if (!a.location) continue;
      const text = texts[a.location.file];
      if (text === undefined) continue;
      const at = offsetOf(text, a.location.line, a.location.column);
      let best: ViewNode | undefined;
      for (const n of view.nodes) {
        if (
          n.kind !== 'item' ||
          n.file !== a.location.file ||
          n.offset === undefined ||
          n.endOffset === undefined
        )
          continue;
        if (at < n.offset || at >= n.endOffset) continue;
        if (!best || n.endOffset - n.offset < best.endOffset! - best.offset!) best = n;
      }
      if (best) ids.add(best.id);
    }
    return ids;
  }, [sim.state, view, texts]);

  const startable = useMemo<StartableFlow[]>(() => {
    if (!analysis) return [];
    const out: StartableFlow[] = [];
    for (const [path, { document }] of Object.entries(analysis.documents)) {
      void path;
      for (const f of flowsOf(document))
        if (f.flowKind === 'initiating')
          out.push({
            name: f.name.name,
            initiator: partyOfFlow(f.name.name),
            params: f.params.map((p) => ({ name: p.name.name, type: printTypeRef(p.type) })),
          });
    }
    return out;
  }, [analysis]);

  const onChange = useCallback((path: string, text: string) => setTexts((t) => ({ ...t, [path]: text })), []);

  const save = useCallback(async () => {
    if (!current || !editor.current) return;
    const text = editor.current.text();
    const parsed = parse(text);
    let out = text;
    if (!parsed.diagnostics.some((d) => d.severity === 'error')) {
      out = print(parsed.document);
      editor.current.replaceAll(out);
    }
    try {
      await workspace.save(current, out);
      setSaved((s) => ({ ...s, [current]: out }));
      setStatus(`Saved ${current}${out === text ? '' : ' (formatted)'}`);
    } catch (e) {
      setStatus(`Not saved: ${e instanceof Error ? e.message : String(e)}`);
    }
  }, [current, workspace]);

  const selectedNode = view?.nodes.find((n) => n.id === selected);

  /** Runs a graph edit on the current text and applies it through the editor (so undo covers it). */
  const edit = useCallback((make: (text: string, document: Document) => TextChange | TextChange[]) => {
    if (!editor.current) return;
    const text = editor.current.text();
    const parsed = parse(text);
    if (parsed.diagnostics.some((d) => d.severity === 'error')) {
      setStatus('Fix the syntax errors first: graph edits need a file that parses.');
      return;
    }
    try {
      const changes = make(text, parsed.document);
      editor.current.apply(Array.isArray(changes) ? changes : [changes]);
      setStatus('Edited');
    } catch (e) {
      setStatus(e instanceof EditError ? e.message : `Edit failed: ${String(e)}`);
    }
  }, []);

  /** The flow an edit goes into: the selected node's if it is in this file, else the viewed one. */
  const targetFlow = (): string | undefined => {
    if (selectedNode?.flow && selectedNode.editable && selectedNode.file === current)
      return selectedNode.flow;
    return viewKey.split(':')[1];
  };
  const afterSelected = (): number | undefined =>
    selectedNode?.kind === 'item' &&
    selectedNode.editable &&
    selectedNode.file === current &&
    selectedNode.role !== 'start'
      ? selectedNode.offset
      : undefined;

  const onAdd = (kind: 'send' | 'receive' | 'require' | 'sleep') => {
    const flow = targetFlow();
    if (!flow) return;
    edit((text, document) => {
      const type = sendableTypes(document)[0]!;
      const after = afterSelected();
      if (kind === 'send')
        return addSend(text, document, flow, { type, ...(after !== undefined ? { after } : {}) });
      if (kind === 'receive')
        return addReceive(text, document, flow, { type, ...(after !== undefined ? { after } : {}) });
      const code = kind === 'require' ? 'require true else "Not allowed"' : 'sleep 1s';
      return insertStatement(text, findFlow(document, flow), code, after);
    });
  };

  const laneOf = (id: string): ViewNode | undefined => {
    let node = view?.nodes.find((n) => n.id === id);
    while (node?.parent) node = view?.nodes.find((n) => n.id === node!.parent);
    return node?.kind === 'lane' ? node : undefined;
  };

  const connect = (source: string, target: string) => {
    const from = view?.nodes.find((n) => n.id === source);
    const to = view?.nodes.find((n) => n.id === target);
    if (!from || !to || from.role !== 'send') {
      setStatus(
        'Connect a send to the other side: drag from a send, or pick it and choose where it is received.',
      );
      return;
    }
    const flow = to.kind === 'lane' ? to.flow : to.flow;
    if (!flow) return;
    const type = from.type ?? 'String';
    edit((text, document) => {
      if (!findFlow(document, flow)) throw new EditError(`"${flow}" is not in this file.`);
      const after = to.kind === 'item' && to.editable && to.file === current ? to.offset : undefined;
      return addReceive(text, document, flow, { type, ...(after !== undefined ? { after } : {}) });
    });
  };

  const targets = useMemo<ConnectTarget[]>(() => {
    if (!view || !selectedNode || selectedNode.role !== 'send') return [];
    const own = laneOf(selectedNode.id)?.id;
    const out: ConnectTarget[] = [];
    for (const n of view.nodes) {
      if (n.kind === 'lane' && n.id !== own && n.flow && flows.some((f) => f.name.name === n.flow))
        out.push({ id: n.id, label: `the end of ${n.flow} (${n.label})` });
    }
    for (const n of view.nodes) {
      if (n.kind !== 'item' || !n.editable || n.file !== current) continue;
      const lane = laneOf(n.id);
      if (lane && lane.id !== own) out.push({ id: n.id, label: `after "${n.label}" (${lane.label})` });
    }
    return out;
    // laneOf reads the view
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [view, selectedNode, flows, current]);

  const band = useMemo(() => {
    if (!selectedNode || selectedNode.kind !== 'band') return undefined;
    const [flowName, step] = selectedNode.id.slice('band:'.length).split('/') as [string, string];
    const decl = flows
      .find((f) => f.name.name === flowName)
      ?.progress?.steps.find((s) => s.name.name === step);
    return decl ? { flow: flowName, step, label: decl.label } : undefined;
  }, [selectedNode, flows]);

  const selectedFlow = useMemo(() => {
    if (!selectedNode) return undefined;
    const name =
      selectedNode.kind === 'lane' || selectedNode.role === 'start' ? selectedNode.flow : undefined;
    return name && flows.some((f) => f.name.name === name) ? name : undefined;
  }, [selectedNode, flows]);

  const goTo = (file: string | undefined, offset: number) => {
    if (file && file !== current && file in texts) setCurrent(file);
    setTimeout(() => editor.current?.goTo(offset), 0);
  };

  const exportView = (kind: 'svg' | 'png') => {
    if (!view || !layout.positions) return;
    const svg = toSvg(view, absolute(layout.positions, view), viewKey);
    const name = viewKey.replace(':', '-');
    if (kind === 'svg') {
      download(`${name}.svg`, new Blob([svg], { type: 'image/svg+xml' }));
      return;
    }
    const image = new Image();
    image.onload = () => {
      const canvas = document.createElement('canvas');
      canvas.width = image.width;
      canvas.height = image.height;
      const context = canvas.getContext('2d')!;
      context.fillStyle = '#fff';
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(image, 0, 0);
      canvas.toBlob((blob) => blob && download(`${name}.png`, blob), 'image/png');
    };
    image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  };

  const onMove = (id: string, position: { x: number; y: number }) => {
    if (!current) return;
    const next = moveInSidecar(sidecars[current] ?? { version: 1, views: {} }, viewKey, id, position);
    setSidecars((s) => ({ ...s, [current]: next }));
    workspace
      .save(`${current}.layout.json`, JSON.stringify(next, null, 2) + '\n')
      .catch((e: unknown) => setStatus(`Layout not saved: ${String(e)}`));
  };

  const onToggle = useCallback(
    (id: string) => {
      setExpanded((all) => {
        const base =
          all[viewKey] ??
          (view ? new Set(view.nodes.filter((n) => n.kind === 'box').map((n) => n.id)) : new Set<string>());
        const next = new Set(base);
        if (next.has(id)) next.delete(id);
        else next.add(id);
        return { ...all, [viewKey]: next };
      });
    },
    [viewKey, view],
  );

  if (workspace.error) return <p className="fatal">Cannot load the CorDapp: {workspace.error}</p>;
  if (!payload || !current) return <p className="loading">Loading…</p>;

  const dirty = new Set(Object.keys(texts).filter((p) => texts[p] !== saved[p]));
  const diagnostics: FileDiagnostic[] = analysis?.diagnostics ?? [];

  return (
    <div className="app">
      <Toolbar
        views={views}
        current={viewKey}
        canSave={dirty.has(current)}
        status={status}
        onView={(key) => {
          setViewKey(key);
          setSelected(undefined);
        }}
        onSave={() => void save()}
        onUndo={() => editor.current?.undo()}
        onRedo={() => editor.current?.redo()}
        onExport={exportView}
      />
      <FileList
        name={payload.name}
        files={Object.keys(texts)}
        current={current}
        dirty={dirty}
        onOpen={setCurrent}
      />
      <div className="text">
        <Editor
          ref={editor}
          path={current}
          text={texts[current] ?? ''}
          diagnostics={diagnostics}
          onChange={onChange}
          onSave={() => void save()}
        />
      </div>
      <div className="graph">
        <Palette
          enabled={!!view}
          hasSelection={!!selectedNode && selectedNode.kind === 'item' && !!selectedNode.editable}
          onAdd={onAdd}
          onDelete={() =>
            selectedNode?.flow &&
            selectedNode.offset !== undefined &&
            edit((text, document) =>
              deleteStatement(text, findFlow(document, selectedNode.flow!), selectedNode.offset!),
            )
          }
          onMove={(direction) =>
            selectedNode?.flow &&
            selectedNode.offset !== undefined &&
            edit((text, document) =>
              moveStatement(text, findFlow(document, selectedNode.flow!), selectedNode.offset!, direction),
            )
          }
        />
        {entry?.stale ? (
          <div className="stale" data-testid="stale">
            The text does not parse: showing the last graph that did.
          </div>
        ) : null}
        <Canvas
          viewKey={viewKey}
          view={layout.view}
          positions={layout.positions}
          selected={selected}
          active={active}
          onSelect={setSelected}
          onMove={onMove}
          onConnect={connect}
          onToggle={onToggle}
        />
      </div>
      <aside className="side">
        <PropertiesPanel
          {...(selectedNode ? { node: selectedNode } : {})}
          types={doc ? sendableTypes(doc) : []}
          targets={targets}
          {...(band ? { band } : {})}
          {...(selectedFlow ? { flow: selectedFlow } : {})}
          onChangeType={(type) =>
            selectedNode?.flow &&
            edit((text, document) =>
              changeSendType(text, document, selectedNode.flow!, selectedNode.offset!, type),
            )
          }
          onConnect={(target) => selected && connect(selected, target)}
          onRename={(from, to) => edit((_text, document) => rename(document, from, to))}
          onLabel={(flow, step, label) =>
            edit((text, document) => changeProgressLabel(text, document, flow, step, label))
          }
          onShow={(node) => goTo(node.file, node.offset ?? 0)}
        />
        <DiagnosticsPanel
          diagnostics={diagnostics}
          stale={!!entry?.stale}
          onShow={(d) => goTo(d.file, d.range.offset)}
        />
        <ProgressPanel
          flows={startable}
          sim={sim}
          onShow={(location: SimLocation) => {
            const text = texts[location.file];
            if (text !== undefined) goTo(location.file, offsetOf(text, location.line, location.column));
          }}
        />
      </aside>
    </div>
  );
}
