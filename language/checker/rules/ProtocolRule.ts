/**
 * `protocol-mismatch`, `deadlock`, `early-end`, `uncommunicated-choice`: every initiating flow of the CorDapp is
 * run against its responder (see `language/protocol/`). Each file reports the faults whose main place is in it.
 */
import { extractPrograms, type ProtocolProgram } from '../../protocol/program.js';
import { checkPair, type ProtocolFault } from '../../protocol/simulate.js';
import type { CordappUnit } from '../program.js';
import type { Rule, RuleContext } from './context.js';

const faultsByUnit = new WeakMap<CordappUnit, ProtocolFault[]>();

/** The protocol programs of every flow of the CorDapp, by flow name. */
export function unitPrograms(context: RuleContext): Map<string, ProtocolProgram> {
  const programs = new Map<string, ProtocolProgram>();
  for (const file of context.unit.files) {
    const typeInfo = context.typeInfoOf(file.path);
    if (!typeInfo) continue;
    for (const program of extractPrograms(file.document, typeInfo, file.path))
      programs.set(program.flow, program);
  }
  return programs;
}

function unitFaults(context: RuleContext): ProtocolFault[] {
  let faults = faultsByUnit.get(context.unit);
  if (!faults) {
    faults = [];
    const programs = unitPrograms(context);
    for (const initiator of programs.values()) {
      if (initiator.kind !== 'initiating') continue;
      const responder = [...programs.values()].find(
        (p) => p.kind === 'responder' && p.respondsTo === initiator.flow,
      );
      if (!responder) continue;
      faults.push(...checkPair(initiator, responder, (name) => programs.get(name)));
    }
    faultsByUnit.set(context.unit, faults);
  }
  return faults;
}

export const ProtocolRule: Rule = (context) => ({
  Document() {
    // an incomplete file would make the conversation look wrong: syntax errors come first
    if (context.unit.files.some((f) => f.syntaxDiagnostics.length > 0)) return;
    for (const fault of unitFaults(context)) {
      if (fault.main.file !== context.file.path) continue;
      context.report(fault.code, fault.main.range, fault.message, {
        related: fault.related.map((r) => context.related({ file: r.at.file, loc: r.at.range }, r.message)),
      });
    }
  },
});
