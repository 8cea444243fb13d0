/**
 * Diagnostics as you type: a change is checked after a short delay (changes that arrive meanwhile are merged),
 * the edited file first and published at once; the other files of its CorDapp, whose diagnostics may depend on it
 * (a responder's protocol faults), follow when the editor has been quiet for a while.
 */
import type { Diagnostic } from '../../diagnostics.js';
import type { Project } from './project.js';

export interface DiagnosticsOptions {
  /** Milliseconds between a change and the check of the changed file. */
  delay: number;
  /** Milliseconds of quiet before the other files of the CorDapp are checked. */
  siblingDelay: number;
}

export class DiagnosticsScheduler {
  private readonly pending = new Set<string>();
  private readonly siblings = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private siblingTimer: NodeJS.Timeout | undefined;
  /** Files with diagnostics published, so that a file that leaves gets an empty list. */
  private readonly published = new Set<string>();

  constructor(
    private readonly project: Project,
    private readonly publish: (file: string, diagnostics: readonly Diagnostic[]) => void,
    private readonly options: DiagnosticsOptions,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** A file changed: check it soon, and its CorDapp's other files later. */
  changed(file: string): void {
    this.pending.add(file);
    clearTimeout(this.timer);
    clearTimeout(this.siblingTimer);
    this.timer = setTimeout(() => void this.run(), this.options.delay);
  }

  /** Re-checks every file that has diagnostics (after a host module or a file on disk changed). */
  all(): void {
    for (const file of this.published) this.pending.add(file);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), this.options.delay);
  }

  dispose(): void {
    clearTimeout(this.timer);
    clearTimeout(this.siblingTimer);
  }

  private async run(): Promise<void> {
    try {
      await this.project.ready();
      const files = [...this.pending];
      this.pending.clear();
      for (const file of files) {
        this.check(file);
        for (const sibling of this.project.unitOf(file)) if (sibling !== file) this.siblings.add(sibling);
      }
      if (this.siblings.size > 0)
        this.siblingTimer = setTimeout(() => this.runSiblings(), this.options.siblingDelay);
    } catch (error) {
      this.onError(error);
    }
  }

  private runSiblings(): void {
    // one file per turn of the event loop, so that a new change or request is not kept waiting for all of them
    const [next] = this.siblings;
    if (next === undefined || this.pending.size > 0) return;
    this.siblings.delete(next);
    try {
      this.check(next);
    } catch (error) {
      this.onError(error);
    }
    if (this.siblings.size > 0) this.siblingTimer = setTimeout(() => this.runSiblings(), 0);
  }

  private check(file: string): void {
    if (!this.project.knows(file)) {
      if (this.published.delete(file)) this.publish(file, []);
      return;
    }
    this.publish(file, this.project.check(file).diagnostics);
    this.published.add(file);
  }
}
