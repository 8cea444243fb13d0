/**
 * What the node's users ask of it: install or uninstall a CorDapp version, start a flow, answer a flow's input.
 * Each request is checked in full before anything changes, so a refused one (a `FlowRequestError`) leaves the
 * node as it was.
 */
import type { LoadedCordapp, LoadedFlow } from '../cordapp.js';
import type { FlowHandle, FlowOutcome, InputRequest } from '../node.js';
import { valueProblem } from '../valueTypes.js';
import type { NodeCore } from './core.js';
import { FlowRequestError } from './errors.js';
import { newFlowRecord, TERMINAL } from './records.js';
import { acceptInit } from './sessions.js';
import { newest } from './versions.js';

export function install(core: NodeCore, cordapp: LoadedCordapp): void {
  core.alive();
  if (core.cordapps.has(cordapp.hash)) return;
  core.cordapps.set(cordapp.hash, cordapp);
  core.batch.writes.bundles.push({
    hash: cordapp.hash,
    name: cordapp.name,
    version: cordapp.version,
    text: cordapp.text,
    installedAt: core.clock.now(),
  });
  // initial messages kept in the hospital for want of this CorDapp: their responders start now
  for (const session of core.store.pendingInits()) {
    const init = session.pendingInit!;
    if (init.cordapp !== cordapp.name) continue;
    acceptInit(core, session, init.flow, init.cordapp);
  }
  core.flushNow();
  core.requestDrain();
}

export function uninstall(core: NodeCore, hash: string): void {
  core.alive();
  const cordapp = core.cordapps.get(hash);
  if (!cordapp)
    throw new FlowRequestError(`No CorDapp version with hash ${hash} is installed on ${core.name}.`);
  const active = core.store
    .listFlows({ bundle: hash })
    .concat([...core.batch.flows.values()].filter((f) => f.bundle === hash))
    .filter((f, i, all) => !TERMINAL.has(f.status) && all.findIndex((g) => g.id === f.id) === i);
  if (active.length) {
    const list = active.map((f) => `${f.flow} ${f.id} (${f.status}${f.step ? `, at ${f.step}` : ''})`);
    throw new FlowRequestError(
      `${cordapp.name} ${cordapp.version} cannot be uninstalled: ${active.length} flow${active.length === 1 ? '' : 's'} still run${active.length === 1 ? 's' : ''} on it: ${list.join(', ')}.`,
    );
  }
  core.cordapps.delete(hash);
  core.batch.writes.bundlesRemoved.add(hash);
  core.flushNow();
}

export function startFlow(
  core: NodeCore,
  flowName: string,
  params: Record<string, unknown>,
  options: { cordapp?: string },
): FlowHandle {
  core.alive();
  const found = findFlow(core, flowName, options.cordapp);
  const { cordapp, flow } = found;
  if (flow.manifest.kind === 'responder')
    throw new FlowRequestError(
      `"${flowName}" is a responder flow: it starts when its initiator opens a session, not on request.`,
    );
  checkParams(core, flow, params, cordapp);
  const id = core.newId();
  const at = core.clock.now();
  const record = newFlowRecord({
    id,
    root: id,
    sessionOwner: id,
    bundle: cordapp.hash,
    flow: flowName,
    at,
  });
  core.putFlow(record);
  core.enqueue({ flow: id, event: { type: 'flow.start', at, params } });
  let started!: () => void;
  const startedPromise = new Promise<void>((resolve) => (started = resolve));
  core.batch.started.push(started);
  // made on first use: a node starting a million flows must not hold a million pending promises
  let result: Promise<FlowOutcome> | undefined;
  core.requestDrain();
  return {
    id,
    started: startedPromise,
    get result(): Promise<FlowOutcome> {
      return (result ??= core.waitFor(id));
    },
  };
}

function findFlow(
  core: NodeCore,
  flowName: string,
  cordappName?: string,
): { cordapp: LoadedCordapp; flow: LoadedFlow } {
  const candidates = core
    .installed()
    .filter((c) => cordappName === undefined || c.name === cordappName)
    .filter((c) => c.flows.has(flowName));
  if (candidates.length === 0) {
    const names = core
      .installed()
      .flatMap((c) =>
        [...c.flows.values()].filter((f) => f.manifest.kind !== 'responder').map((f) => f.manifest.name),
      );
    throw new FlowRequestError(
      `No flow named "${flowName}" is installed on ${core.name}${cordappName ? ` in ${cordappName}` : ''}.` +
        (names.length
          ? ` Flows it can start: ${[...new Set(names)].sort().join(', ')}.`
          : ' It has no CorDapps installed.'),
    );
  }
  const cordapp = newest(candidates);
  return { cordapp, flow: cordapp.flows.get(flowName)! };
}

function checkParams(
  core: NodeCore,
  flow: LoadedFlow,
  params: Record<string, unknown>,
  cordapp: LoadedCordapp,
): void {
  const declared = flow.manifest.params;
  const problems: string[] = [];
  for (const p of declared) {
    if (!(p.name in params)) problems.push(`"${p.name}" (${p.type}) is missing`);
    else {
      const problem = valueProblem(params[p.name], p.type, cordapp.types);
      if (problem) problems.push(`"${p.name}": ${problem}`);
      else if (p.type === 'Party' && !core.transport.knows(params[p.name] as string))
        problems.push(`"${p.name}": no party named "${String(params[p.name])}" is known to ${core.name}`);
    }
  }
  for (const name of Object.keys(params))
    if (!declared.some((p) => p.name === name)) problems.push(`"${name}" is not a parameter`);
  if (problems.length) {
    const signature = declared.map((p) => `${p.name}: ${p.type}`).join(', ');
    throw new FlowRequestError(`Cannot start ${flow.manifest.name}(${signature}): ${problems.join('; ')}.`);
  }
}

export function inputs(core: NodeCore): InputRequest[] {
  return core.store.listFlows({ waiting: 'flow.input' }).map((f) => {
    const request: InputRequest = {
      flowId: f.id,
      flow: f.flow,
      prompt: f.wait!.prompt ?? '',
      type: f.wait!.messageType ?? 'String',
      since: f.wait!.since,
    };
    if (f.wait!.deadline !== undefined) request.deadline = f.wait!.deadline;
    return request;
  });
}

export function answerInput(core: NodeCore, flowId: string, value: unknown): void {
  core.alive();
  const flow = core.flow(flowId);
  if (!flow) throw new FlowRequestError(`There is no flow "${flowId}" on ${core.name}.`);
  const wait = flow.wait;
  if (flow.status !== 'waiting' || wait?.type !== 'flow.input')
    throw new FlowRequestError(
      `Flow ${flow.flow} (${flowId}) is not waiting for input (it is ${flow.status}).`,
    );
  const cordapp = core.cordapps.get(flow.bundle)!;
  const type = wait.messageType ?? 'String';
  const problem = valueProblem(value, type, cordapp.types);
  if (problem)
    throw new FlowRequestError(`The answer to "${wait.prompt ?? ''}" must be a ${type}: ${problem}.`);
  core.answer(core.getFlow(flowId)!, { type: 'input.answered', at: core.clock.now(), value });
  core.requestDrain();
}
