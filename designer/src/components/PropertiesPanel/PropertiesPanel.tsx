/** The selected node: where it comes from, and the edits that fit it (type, connection, name, label). */
import { useEffect, useState } from 'react';
import type { ViewNode } from '../../model/view.js';

export interface ConnectTarget {
  id: string;
  label: string;
}

interface Props {
  node?: ViewNode;
  types: string[];
  targets: ConnectTarget[];
  /** For a progress band: its step name and label. */
  band?: { flow: string; step: string; label: string };
  /** For a lane or a flow's start: the flow. */
  flow?: string;
  onChangeType(type: string): void;
  onConnect(target: string): void;
  onRename(from: string, to: string): void;
  onLabel(flow: string, step: string, label: string): void;
  onShow(node: ViewNode): void;
}

export function PropertiesPanel(props: Props) {
  const { node, band, flow } = props;
  const [name, setName] = useState(flow ?? '');
  const [label, setLabel] = useState(band?.label ?? '');
  const [target, setTarget] = useState('');
  useEffect(() => setName(flow ?? ''), [flow]);
  useEffect(() => setLabel(band?.label ?? ''), [band?.label]);
  useEffect(() => setTarget(props.targets[0]?.id ?? ''), [props.targets]);
  if (!node) return <section className="panel properties">Select a node to see and edit it.</section>;
  return (
    <section className="panel properties" data-testid="properties">
      <h3>{node.label}</h3>
      <p className="where">
        {node.role}
        {node.file ? ` · ${node.file}:${node.line}` : ''}
        {node.flow ? ` · in ${node.flow}` : ''}
        {node.editable === false ? ' · flow library (read-only)' : ''}
      </p>
      {node.file && node.offset !== undefined ? (
        <button onClick={() => props.onShow(node)}>Show in the text</button>
      ) : null}
      {node.problems?.map((p, i) => (
        <p key={i} className="problem-text">
          {p}
        </p>
      ))}
      {node.role === 'send' && node.editable ? (
        <>
          <label>
            Type{' '}
            <select
              value={node.type ?? ''}
              onChange={(e) => props.onChangeType(e.target.value)}
              data-testid="send-type"
            >
              {node.type && !props.types.includes(node.type) ? (
                <option value={node.type}>{node.type}</option>
              ) : null}
              {!node.type ? <option value="">(choose)</option> : null}
              {props.types.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          </label>
          {props.targets.length ? (
            <div className="row">
              <label>
                Connect to{' '}
                <select
                  value={target}
                  onChange={(e) => setTarget(e.target.value)}
                  data-testid="connect-target"
                >
                  {props.targets.map((t) => (
                    <option key={t.id} value={t.id}>
                      {t.label}
                    </option>
                  ))}
                </select>
              </label>
              <button onClick={() => props.onConnect(target)} data-testid="connect">
                Connect
              </button>
            </div>
          ) : null}
        </>
      ) : null}
      {flow ? (
        <div className="row">
          <label>
            Flow name{' '}
            <input value={name} onChange={(e) => setName(e.target.value)} data-testid="rename-input" />
          </label>
          <button onClick={() => props.onRename(flow, name)} data-testid="rename">
            Rename
          </button>
        </div>
      ) : null}
      {band ? (
        <div className="row">
          <label>
            Label <input value={label} onChange={(e) => setLabel(e.target.value)} data-testid="label-input" />
          </label>
          <button onClick={() => props.onLabel(band.flow, band.step, label)} data-testid="relabel">
            Change
          </button>
        </div>
      ) : null}
    </section>
  );
}
