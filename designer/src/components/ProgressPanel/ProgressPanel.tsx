/** Simulation: start a flow on the in-memory network, step or run it, answer prompts, and watch what happens. */
import { useEffect, useMemo, useState } from 'react';
import type { ProgressTree } from '../../../../runtime/index.js';
import type { SimulationControls } from '../../hooks/useSimulation.js';
import type { SimLocation } from '../../sim/simulation.js';

export interface StartableFlow {
  name: string;
  initiator: string;
  params: { name: string; type: string }[];
}

interface Props {
  flows: StartableFlow[];
  sim: SimulationControls;
  onShow(location: SimLocation): void;
}

function defaultArg(name: string, type: string): string {
  switch (type) {
    case 'Party':
      return name.charAt(0).toUpperCase() + name.slice(1);
    case 'Int':
    case 'Decimal':
      return '5';
    case 'Bool':
      return 'true';
    case 'Amount':
      return '{"quantity":100,"currency":"USD"}';
    default:
      return type === 'String' ? name : '';
  }
}

function parseArg(type: string, text: string): unknown {
  if (type === 'String' || type === 'Party' || type === 'SecureHash') return text;
  if (type === 'Int' || type === 'Decimal') return Number(text);
  if (type === 'Bool') return text === 'true';
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function Tree({ tree }: { tree: ProgressTree }) {
  return (
    <ul className="tree">
      <li>
        <strong>{tree.flow}</strong> <span className="status">{tree.status}</span>
        <ul>
          {tree.steps.map((s, i) => (
            <li key={i} className={s.step === tree.current && tree.status !== 'done' ? 'current' : 'done'}>
              {s.step === tree.current && tree.status !== 'done' ? '▶ ' : '✓ '}
              {s.label}
              {s.children.map((c) => (
                <Tree key={c.flowId} tree={c} />
              ))}
            </li>
          ))}
          {tree.children.map((c) => (
            <li key={c.flowId}>
              <Tree tree={c} />
            </li>
          ))}
        </ul>
      </li>
    </ul>
  );
}

export function ProgressPanel({ flows, sim, onShow }: Props) {
  const [flowName, setFlowName] = useState(flows[0]?.name ?? '');
  const flow = flows.find((f) => f.name === flowName) ?? flows[0];
  const [args, setArgs] = useState<Record<string, string>>({});
  const [answers, setAnswers] = useState<Record<string, string>>({});
  useEffect(() => {
    if (!flows.some((f) => f.name === flowName) && flows[0]) setFlowName(flows[0].name);
  }, [flows, flowName]);
  useEffect(() => {
    if (flow) setArgs(Object.fromEntries(flow.params.map((p) => [p.name, defaultArg(p.name, p.type)])));
  }, [flow]);
  const blocker = useMemo(
    () => (flow ? sim.blocker(flow.name) : 'No initiating flow to simulate.'),
    [flow, sim],
  );
  const state = sim.state;

  const start = () => {
    if (!flow) return;
    const params = Object.fromEntries(flow.params.map((p) => [p.name, parseArg(p.type, args[p.name] ?? '')]));
    const parties = flow.params.filter((p) => p.type === 'Party').map((p) => String(params[p.name]));
    const nodes = [...new Set([flow.initiator, ...parties, 'Notary'])];
    void sim.start(flow.name, flow.initiator, params, nodes);
  };

  return (
    <section className="panel simulation" data-testid="simulation">
      <h3>Simulation</h3>
      <div className="row">
        <select value={flow?.name ?? ''} onChange={(e) => setFlowName(e.target.value)} data-testid="sim-flow">
          {flows.map((f) => (
            <option key={f.name} value={f.name}>
              {f.name} on {f.initiator}
            </option>
          ))}
        </select>
      </div>
      {flow?.params.map((p) => (
        <div className="row" key={p.name}>
          <label>
            {p.name}: {p.type}{' '}
            <input
              value={args[p.name] ?? ''}
              onChange={(e) => setArgs({ ...args, [p.name]: e.target.value })}
              data-testid={`sim-arg-${p.name}`}
            />
          </label>
        </div>
      ))}
      {blocker ? (
        <p className="note" data-testid="sim-blocked">
          {blocker}
        </p>
      ) : null}
      <div className="row">
        <button disabled={!!blocker} onClick={start} data-testid="sim-start">
          Start
        </button>
        <button disabled={!state || sim.running} onClick={sim.step} data-testid="sim-step">
          Step
        </button>
        <button disabled={!state || sim.running} onClick={sim.run} data-testid="sim-run">
          Run
        </button>
        <button disabled={!sim.running} onClick={sim.pause}>
          Pause
        </button>
        <button disabled={!state} onClick={sim.reset}>
          Reset
        </button>
      </div>
      {sim.error ? <p className="problem-text">{sim.error}</p> : null}
      {state ? (
        <>
          <p data-testid="sim-summary">
            {state.tasks} tasks · {state.messages.length} messages ·{' '}
            {state.outcome ? (
              <strong data-testid="sim-outcome">
                {state.outcome.status}
                {state.outcome.result !== undefined ? `: ${JSON.stringify(state.outcome.result)}` : ''}
                {state.outcome.error ? `: ${state.outcome.error}` : ''}
              </strong>
            ) : state.idle ? (
              'waiting'
            ) : (
              'running'
            )}
          </p>
          {state.inputs.map((input) => (
            <div className="prompt" key={input.flowId} data-testid="sim-prompt">
              <p>
                <strong>{input.node}</strong> ({input.flow}) asks: {input.prompt}
              </p>
              {input.type === 'Bool' ? (
                <>
                  <button
                    onClick={() => sim.answer(input.node, input.flowId, true)}
                    data-testid="answer-true"
                  >
                    Yes
                  </button>
                  <button
                    onClick={() => sim.answer(input.node, input.flowId, false)}
                    data-testid="answer-false"
                  >
                    No
                  </button>
                </>
              ) : (
                <>
                  <input
                    value={answers[input.flowId] ?? ''}
                    onChange={(e) => setAnswers({ ...answers, [input.flowId]: e.target.value })}
                    placeholder={input.type}
                    data-testid="answer-input"
                  />
                  <button
                    onClick={() =>
                      sim.answer(input.node, input.flowId, parseArg(input.type, answers[input.flowId] ?? ''))
                    }
                    data-testid="answer"
                  >
                    Answer
                  </button>
                </>
              )}
            </div>
          ))}
          {state.errors.map((e, i) => (
            <p key={i} className="problem-text" data-testid="sim-error">
              {e.node} {e.flow}: {e.message}{' '}
              {e.location ? (
                <button onClick={() => onShow(e.location!)}>
                  {e.location.file}:{e.location.line}
                </button>
              ) : null}
            </p>
          ))}
          <h4>Waiting</h4>
          <ul>
            {state.active.map((a) => (
              <li key={`${a.node}/${a.flowId}`}>
                {a.node}: {a.flow} in <code>{a.state}</code> ({a.status})
              </li>
            ))}
          </ul>
          <h4>Progress</h4>
          {state.progress ? <Tree tree={state.progress} /> : null}
          <h4>Messages</h4>
          <table className="messages" data-testid="sim-messages">
            <tbody>
              {state.messages.map((m) => (
                <tr key={m.n}>
                  <td>{m.n}</td>
                  <td>
                    {m.from} → {m.to}
                  </td>
                  <td>{m.kind}</td>
                  <td>{m.type ?? ''}</td>
                  <td className="value">{m.value ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h4>Checkpoints</h4>
          <table className="checkpoints" data-testid="sim-checkpoints">
            <tbody>
              {state.checkpoints.map((c, i) => (
                <tr key={i}>
                  <td>{c.node}</td>
                  <td>{c.flow}</td>
                  <td>
                    <code>{c.state}</code>
                  </td>
                  <td>{c.bytes} B</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </section>
  );
}
