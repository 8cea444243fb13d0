/** `unknown-step`: `step Name` where the flow's progress block declares no such step; `tracks` that names no flow. */
import { IssueCodes } from '../../diagnostics.js';
import { didYouMean } from '../suggest.js';
import { describeSymbol } from '../symbols.js';
import type { Rule } from './context.js';

export const KnownStepsRule: Rule = (context) => ({
  ProgressStep(node) {
    const symbol = node.tracks ? context.typeInfo.symbolOf(node.tracks) : undefined;
    if (!node.tracks || !symbol || symbol.kind === 'flow') return;
    context.report(
      IssueCodes.TypeMismatch,
      node.tracks.loc,
      `${describeSymbol(symbol).replace(/^./, (c) => c.toUpperCase())} is not a flow: "tracks" names the flow whose progress nests under step "${node.name.name}".`,
    );
  },
  StepStatement(node) {
    const flow = context.typeInfo.flowOf.get(node);
    const name = node.step.name;
    if (!flow || name === '') return;
    const steps = flow.progress?.steps ?? [];
    if (steps.some((s) => s.name.name === name)) return;
    if (!flow.progress) {
      context.report(
        IssueCodes.UnknownStep,
        node.step.loc,
        `Step "${name}" is not declared: flow "${flow.name.name}" has no progress block. Add "progress { ${name} "..." }" at the top of the flow.`,
        {
          related: [
            context.related({ file: context.file.path, loc: flow.name.loc }, `Flow "${flow.name.name}".`),
          ],
        },
      );
      return;
    }
    const hint = didYouMean(
      name,
      steps.map((s) => s.name.name),
    );
    context.report(
      IssueCodes.UnknownStep,
      node.step.loc,
      `Step "${name}" is not declared in the progress block of flow "${flow.name.name}".${hint || ` Declare it there: ${name} "label".`}`,
      {
        related: [
          context.related({ file: context.file.path, loc: flow.progress.loc }, 'The progress block.'),
        ],
      },
    );
  },
});
