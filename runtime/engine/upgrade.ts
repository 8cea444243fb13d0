/**
 * Moving a waiting flow to a newer installed version of its CorDapp. The pure planner (`runtime/upgrades.ts`)
 * decides whether the flow's state is compatible; this applies its verdict to the flow's record in the batch.
 */
import { errorMessage } from '../hospital.js';
import type { LoadedCordapp } from '../cordapp.js';
import type { FlowRecord } from '../store.js';
import type { UpgradeVerdict } from '../upgrades.js';
import type { NodeCore } from './core.js';
import { compareVersions, newest } from './versions.js';

/**
 * Moves the flow to the newest installed version of its CorDapp when `flowc diff` says its waiting state is
 * compatible there; otherwise it stays, and finishes on the version it started on.
 */
export function maybeUpgrade(core: NodeCore, flow: FlowRecord, current: LoadedCordapp): LoadedCordapp {
  const candidates = core.installed().filter((c) => c.name === current.name);
  const latest = newest(candidates);
  if (latest.hash === current.hash || compareVersions(latest.version, current.version) <= 0) return current;
  // decided once, at the first step after the new version came: a flow that stays, finishes where it is
  if (flow.stays === latest.hash) return current;
  const snapshot = flow.snapshot as { value?: unknown } | null;
  if (!snapshot || typeof snapshot.value !== 'string') return current;
  let verdict: UpgradeVerdict;
  try {
    verdict = core.upgrades.verdict(current, latest, flow.flow, snapshot.value);
  } catch (error) {
    verdict = { move: false, reason: `the versions cannot be compared: ${errorMessage(error)}` };
  }
  if (!verdict.move) {
    flow.stays = latest.hash;
    core.recordHistory(
      flow,
      'upgrade refused',
      core.clock.now(),
      snapshot.value,
      `${latest.version}: ${verdict.reason}`,
    );
    core.putFlow(flow);
    return current;
  }
  const from = snapshot.value;
  flow.snapshot = { ...snapshot, value: verdict.state };
  flow.bundle = latest.hash;
  core.recordHistory(
    flow,
    'upgrade',
    core.clock.now(),
    `${from}@${current.version}`,
    `${verdict.state}@${latest.version}`,
  );
  core.putFlow(flow);
  core.batch.after.push(() =>
    core.notify({ type: 'flow.upgraded', flowId: flow.id, from: current.version, to: latest.version }),
  );
  return latest;
}
