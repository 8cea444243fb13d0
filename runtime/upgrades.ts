/**
 * Moving in-flight flows to a new version of their CorDapp, with the same analysis as `flowc diff`
 * (`compiler/diff.ts`): a flow waiting in a state that the new version keeps (or maps to another name) with a
 * compatible checkpoint, and whose conversation stays compatible with counterparts on either version, moves at its
 * next step; any other flow finishes on the version it started on. Pure.
 */
import { cordappModel, diffCordapps, type DiffReport, type FlowDiff } from '../compiler/diff.js';
import type { LoadedCordapp } from './cordapp.js';

export type UpgradeVerdict = { move: true; state: string } | { move: false; reason: string };

export class UpgradePlanner {
  private readonly reports = new Map<string, DiffReport>();

  report(old: LoadedCordapp, next: LoadedCordapp): DiffReport {
    const key = `${old.hash}>${next.hash}`;
    let report = this.reports.get(key);
    if (!report) {
      report = diffCordapps(cordappModel(old.files), cordappModel(next.files));
      this.reports.set(key, report);
    }
    return report;
  }

  /** Whether a flow waiting in `state` of `old` can continue on `next`, and in which state. */
  verdict(old: LoadedCordapp, next: LoadedCordapp, flow: string, state: string): UpgradeVerdict {
    const report = this.report(old, next);
    const diff = report.flows.find((f) => f.flow === flow);
    if (!diff || diff.status === 'removed')
      return { move: false, reason: `${next.version} has no flow ${flow}` };
    const conversation = this.conversation(report, old, flow);
    if (conversation) return { move: false, reason: conversation };
    if (diff.status === 'unchanged') return { move: true, state };
    const kept = diff.kept.find((v) => v.state === state);
    if (kept)
      return kept.problems.length ? { move: false, reason: kept.problems.join('; ') } : { move: true, state };
    const mapped = diff.mapped.find((v) => v.state === state);
    if (mapped)
      return mapped.problems.length || !mapped.to
        ? { move: false, reason: mapped.problems.join('; ') || 'no state to move to' }
        : { move: true, state: mapped.to };
    const lost = diff.lost.find((v) => v.state === state);
    return { move: false, reason: lost ? lost.problems.join('; ') : `${next.version} has no state ${state}` };
  }

  /** Why the flow's conversation would break across versions, if it would. */
  private conversation(report: DiffReport, old: LoadedCordapp, flow: string): string | undefined {
    const manifest = old.flows.get(flow)?.manifest;
    const initiator =
      manifest?.kind === 'responder'
        ? manifest.respondsTo
        : manifest?.kind === 'initiating'
          ? flow
          : undefined;
    if (!initiator) return undefined;
    const diff: FlowDiff | undefined = report.flows.find((f) => f.flow === initiator);
    const broken = diff?.protocol.find((p) => !p.compatible);
    return broken
      ? `the conversation of ${initiator} changes (${broken.against}: ${broken.faults.join('; ')})`
      : undefined;
  }
}
