/** The simulation's state for the page: build, start, step, run continuously, answer prompts, reset. */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { FileCheckResult } from '../../../language/index.js';
import { buildSimulation, reachableFlows, type SimulationBuild } from '../sim/cordapp.js';
import { Simulation, type SimState } from '../sim/simulation.js';

export interface SimulationControls {
  state?: SimState;
  error?: string;
  running: boolean;
  start(flow: string, initiator: string, params: Record<string, unknown>, nodes: string[]): Promise<void>;
  step(): void;
  run(): void;
  pause(): void;
  answer(node: string, flowId: string, value: unknown): void;
  reset(): void;
  /** Why the flow cannot be simulated here, if it cannot. */
  blocker(flow: string): string | undefined;
}

export function useSimulation(results: FileCheckResult[] | undefined, name: string): SimulationControls {
  const simulation = useRef<Simulation>(undefined);
  const build = useRef<SimulationBuild>(undefined);
  const [state, setState] = useState<SimState>();
  const [error, setError] = useState<string>();
  const [running, setRunning] = useState(false);
  const runningRef = useRef(false);

  const refresh = useCallback(() => {
    if (simulation.current) setState(simulation.current.state());
  }, []);

  const prepare = useCallback((): SimulationBuild | undefined => {
    if (!results) return undefined;
    try {
      return buildSimulation(results, name);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      return undefined;
    }
  }, [results, name]);

  const blocker = useCallback(
    (flow: string): string | undefined => {
      const built = prepare();
      if (!built) return 'The CorDapp does not build.';
      const calls = [...reachableFlows(built.flows, flow)].flatMap((f) =>
        (built.hostCalls[f] ?? []).map((fn) => `${f} calls ${fn}`),
      );
      if (calls.length === 0) return undefined;
      return `This flow cannot be simulated in the browser: host functions run only on a node (${[...new Set(calls)].slice(0, 4).join('; ')}${calls.length > 4 ? '; …' : ''}). Use flowc run.`;
    },
    [prepare],
  );

  const stop = useCallback(() => {
    runningRef.current = false;
    setRunning(false);
  }, []);

  const reset = useCallback(() => {
    stop();
    simulation.current?.close();
    simulation.current = undefined;
    setState(undefined);
    setError(undefined);
  }, [stop]);

  const start = useCallback(
    async (flow: string, initiator: string, params: Record<string, unknown>, nodes: string[]) => {
      reset();
      const built = prepare();
      if (!built) return;
      build.current = built;
      try {
        simulation.current = await Simulation.create(built.cordapp, nodes);
        simulation.current.start(initiator, flow, params);
        refresh();
      } catch (e) {
        setError(e instanceof Error ? e.message : String(e));
      }
    },
    [prepare, refresh, reset],
  );

  const step = useCallback(() => {
    try {
      simulation.current?.step();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
    refresh();
  }, [refresh]);

  const run = useCallback(() => {
    if (!simulation.current) return;
    runningRef.current = true;
    setRunning(true);
    const tick = (): void => {
      const sim = simulation.current;
      if (!sim || !runningRef.current) return;
      let more = false;
      try {
        more = sim.runSome(5);
      } catch (e) {
        setError(e instanceof Error ? e.message : String(e));
      }
      const now = sim.state();
      setState(now);
      if (!more || now.outcome) {
        stop();
        return;
      }
      setTimeout(tick, 30);
    };
    tick();
  }, [stop]);

  const answer = useCallback(
    (node: string, flowId: string, value: unknown) => {
      try {
        simulation.current?.answer(node, flowId, value);
        setError(undefined);
      } catch (e) {
        setError(e instanceof Error ? e.message : String(e));
      }
      refresh();
    },
    [refresh],
  );

  useEffect(() => () => simulation.current?.close(), []);

  const controls: SimulationControls = { running, start, step, run, pause: stop, answer, reset, blocker };
  if (state) controls.state = state;
  if (error) controls.error = error;
  return controls;
}
