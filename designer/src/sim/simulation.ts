/**
 * A simulation of one flow with its counterparties on the runtime's in-memory network (`createMockNetwork`, memory
 * stores, a simulated clock), driven a task at a time so the page can show every step: the states flows wait in,
 * the progress tree, the messages exchanged, each checkpoint's size, prompts for human input, and errors with
 * their `.flow` location. Runs in Node as in the browser.
 */
import {
  createMockNetwork,
  SimulatedClock,
  type FlowOutcome,
  type InputRequest,
  type LoadedCordapp,
  type MockNetwork,
  type ProgressTree,
  type WireMessage,
} from '../../../runtime/index.js';

export interface SimLocation {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface SimMessage {
  n: number;
  from: string;
  to: string;
  kind: string;
  type?: string;
  value?: string;
}

export interface SimCheckpoint {
  node: string;
  flow: string;
  state: string;
  bytes: number;
}

export interface SimActive {
  node: string;
  flowId: string;
  flow: string;
  state: string;
  status: string;
  location?: SimLocation;
}

export interface SimError {
  node: string;
  flow: string;
  message: string;
  location?: SimLocation;
}

export interface SimState {
  started: boolean;
  /** How many tasks ran (deliveries and node drains). */
  tasks: number;
  idle: boolean;
  outcome?: FlowOutcome;
  progress?: ProgressTree;
  messages: SimMessage[];
  checkpoints: SimCheckpoint[];
  inputs: (InputRequest & { node: string })[];
  errors: SimError[];
  active: SimActive[];
}

const TERMINAL = new Set(['done', 'failed', 'killed']);

function stateOf(snapshot: unknown): string {
  const value = (snapshot as { value?: unknown } | undefined)?.value;
  return typeof value === 'string' ? value : JSON.stringify(value ?? '');
}

function bytes(value: unknown): number {
  return new TextEncoder().encode(JSON.stringify(value)).length;
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

export class Simulation {
  private tasks = 0;
  private messageCount = 0;
  private readonly messages: SimMessage[] = [];
  private readonly seenMessages = new Set<string>();
  private readonly checkpoints: SimCheckpoint[] = [];
  private readonly lastState = new Map<string, string>();
  private readonly errors: SimError[] = [];
  private root?: { node: string; id: string };
  private outcome?: FlowOutcome;

  private constructor(
    readonly network: MockNetwork,
    private readonly cordapp: LoadedCordapp,
  ) {}

  static async create(cordapp: LoadedCordapp, nodes: readonly string[]): Promise<Simulation> {
    let n = 0;
    const network = await createMockNetwork({
      nodes,
      cordapps: [cordapp],
      clock: new SimulatedClock(),
      newId: () => `flow-${++n}`,
      maxBatchSteps: 1,
    });
    const simulation = new Simulation(network, cordapp);
    for (const name of nodes) simulation.watch(name);
    return simulation;
  }

  private watch(name: string): void {
    const node = this.network.node(name);
    const deliver = node.deliver.bind(node);
    node.deliver = (message: WireMessage) => {
      this.record(message);
      deliver(message);
    };
    node.onEvent((event) => {
      if (event.type === 'committed') this.recordCheckpoints(name);
      if (event.type === 'flow.hospitalized') {
        const record = node.flow(event.flowId);
        const error: SimError = { node: name, flow: record?.flow ?? '?', message: event.error };
        if (record?.hospital?.location) error.location = record.hospital.location;
        this.errors.push(error);
      }
      if (
        event.type === 'flow.ended' &&
        this.root &&
        event.outcome.id === this.root.id &&
        name === this.root.node
      )
        this.outcome = event.outcome;
      if (event.type === 'flow.ended' && event.outcome.status === 'failed' && event.outcome.error) {
        const record = node.flow(event.outcome.id);
        if (record && !record.parent)
          this.errors.push({ node: name, flow: record.flow, message: event.outcome.error });
      }
    });
  }

  private record(message: WireMessage): void {
    if ('ack' in message) return;
    if (this.seenMessages.has(message.id)) return;
    this.seenMessages.add(message.id);
    const body = message.body;
    const m: SimMessage = { n: ++this.messageCount, from: message.from, to: message.to, kind: body.kind };
    if (body.kind === 'data') {
      m.type = body.messageType;
      m.value = preview(body.value);
    } else if (body.kind === 'init') m.type = body.flow;
    else if (body.kind === 'error') m.value = body.message;
    this.messages.push(m);
  }

  private recordCheckpoints(name: string): void {
    for (const record of this.network.node(name).store.listFlows()) {
      const state = stateOf(record.snapshot);
      const key = `${name}/${record.id}`;
      if (this.lastState.get(key) === state) continue;
      this.lastState.set(key, state);
      this.checkpoints.push({ node: name, flow: record.flow, state, bytes: bytes(record.snapshot) });
    }
  }

  start(node: string, flow: string, params: Record<string, unknown>): void {
    const handle = this.network.start(node, flow, params);
    this.root = { node, id: handle.id };
  }

  /** Runs one task; false when there is nothing to do. */
  step(): boolean {
    const ran = this.network.step();
    if (ran) this.tasks++;
    this.idle = !ran;
    return ran;
  }

  private idle = false;

  /** Runs up to `max` tasks, stopping early when the network is idle. */
  runSome(max = 200): boolean {
    for (let i = 0; i < max; i++) if (!this.step()) return false;
    return true;
  }

  answer(node: string, flowId: string, value: unknown): void {
    this.network.node(node).answerInput(flowId, value);
  }

  state(): SimState {
    const inputs: SimState['inputs'] = [];
    const active: SimActive[] = [];
    for (const name of this.network.nodeNames) {
      const node = this.network.node(name);
      for (const request of node.inputs()) inputs.push({ ...request, node: name });
      for (const record of node.store.listFlows()) {
        if (TERMINAL.has(record.status)) continue;
        const state = stateOf(record.snapshot);
        const a: SimActive = {
          node: name,
          flowId: record.id,
          flow: record.flow,
          state,
          status: record.status,
        };
        const location = this.cordapp.flows.get(record.flow)?.trace[state];
        if (location) a.location = location;
        active.push(a);
      }
    }
    const state: SimState = {
      started: this.root !== undefined,
      tasks: this.tasks,
      idle: this.idle,
      messages: [...this.messages],
      checkpoints: [...this.checkpoints],
      inputs,
      errors: [...this.errors],
      active,
    };
    if (this.outcome) state.outcome = this.outcome;
    if (this.root) {
      const progress = this.network.node(this.root.node).progressTree(this.root.id);
      if (progress) state.progress = progress;
    }
    return state;
  }

  close(): void {
    this.network.close();
  }
}
