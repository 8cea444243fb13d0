/**
 * `protocol-mismatch`, `deadlock`, `early-end`, `uncommunicated-choice`: every initiating flow of the CorDapp is
 * run against its responder (see `language/protocol/`). Each file reports the faults whose main place is in it.
 *
 * In a workspace, programs and pair results are kept between checks (see `ProtocolMemo`), so re-checking after an
 * edit extracts only the flows whose text changed and simulates only the pairs whose programs changed.
 */
import type { FlowDecl } from '../../ast.js';
import { extractProgram, type ProtocolProgram } from '../../protocol/program.js';
import { checkPair, type ProtocolFault } from '../../protocol/simulate.js';
import { buildFileScope, LIBRARY_SPECIFIER, type CordappUnit, type ParsedFile } from '../program.js';
import { TypeInfo } from '../typeInfo.js';
import type { Rule, RuleContext } from './context.js';

const faultsByUnit = new WeakMap<CordappUnit, ProtocolFault[]>();

/** A flow's program, and what it was extracted from: the flow's text and place, and the unit's signature. */
interface FlowEntry {
  text: string;
  offset: number;
  line: number;
  column: number;
  signature: string;
  program: ProtocolProgram;
}

interface FileEntry {
  file: ParsedFile;
  signature: string;
  flows: FlowEntry[];
}

interface PairEntry {
  responder: ProtocolProgram;
  /** Every flow either side may call (transitively), as it was looked up. */
  callees: [string, ProtocolProgram | undefined][];
  faults: ProtocolFault[];
}

/** What the protocol checker keeps between checks of one workspace. */
interface ProtocolMemo {
  files: Map<string, FileEntry>;
  pairs: WeakMap<ProtocolProgram, PairEntry>;
}

const calledNames = new WeakMap<ProtocolProgram, string[]>();

/** The flows a program calls directly, in order of appearance, without repeats. */
function callsOf(program: ProtocolProgram): string[] {
  let names = calledNames.get(program);
  if (!names) {
    const found = new Set<string>();
    const walk = (statements: ProtocolProgram['body']): void => {
      for (const s of statements) {
        if (s.k === 'call') found.add(s.flow);
        else if (s.k === 'if') {
          walk(s.then);
          walk(s.else);
        } else if (s.k === 'for') walk(s.body);
        else if (s.k === 'try') {
          walk(s.body);
          walk(s.handler);
        }
      }
    };
    walk(program.body);
    names = [...found];
    calledNames.set(program, names);
  }
  return names;
}

function callees(
  roots: ProtocolProgram[],
  programs: Map<string, ProtocolProgram>,
): [string, ProtocolProgram | undefined][] {
  const seen = new Map<string, ProtocolProgram | undefined>();
  const queue = [...roots];
  while (queue.length > 0) {
    for (const name of callsOf(queue.pop()!)) {
      if (seen.has(name)) continue;
      const callee = programs.get(name);
      seen.set(name, callee);
      if (callee) queue.push(callee);
    }
  }
  return [...seen];
}

/** Plain-data equality of two programs; types compare by what they print as (records and enums by name). */
function samePlainData(a: unknown, b: unknown, key?: string): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (key === 'type') return typeKey(a) === typeKey(b);
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!samePlainData(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!samePlainData((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], k)) return false;
  }
  return true;
}

function typeKey(type: object): string {
  const t = type as { kind: string; name?: string; element?: object; args?: object[] };
  if (t.kind === 'list') return `List<${typeKey(t.element!)}>`;
  if (t.kind === 'opaque') return `${t.name}<${t.args!.map(typeKey).join(',')}>`;
  return t.name === undefined ? t.kind : `${t.kind}:${t.name}`;
}

function flowEntry(
  file: ParsedFile,
  flow: FlowDecl,
  signature: string,
  typeInfo: () => TypeInfo | undefined,
  previous: FlowEntry | undefined,
): FlowEntry | undefined {
  const { offset, line, column, endOffset } = flow.loc;
  const text = file.text.slice(offset, endOffset);
  if (
    previous &&
    previous.text === text &&
    previous.offset === offset &&
    previous.line === line &&
    previous.column === column &&
    previous.signature === signature
  ) {
    return previous;
  }
  const info = typeInfo();
  if (!info) return undefined;
  info.computeDeclaration(flow);
  let program = extractProgram(flow, info, file.path);
  // an edit that leaves the conversation as it was keeps the program, and with it the pairs' results
  if (previous && previous.signature === signature && samePlainData(previous.program, program))
    program = previous.program;
  return { text, offset, line, column, signature, program };
}

/** The protocol programs of a file's flows, from the memo where the flows did not change. */
function filePrograms(context: RuleContext, file: ParsedFile, memo: ProtocolMemo, signature: string) {
  const previous = memo.files.get(file.path);
  if (previous && previous.file === file && previous.signature === signature)
    return previous.flows.map((f) => f.program);
  const flows = file.document.items.filter((i): i is FlowDecl => i.kind === 'FlowDecl');
  const entries: FlowEntry[] = [];
  for (let i = 0; i < flows.length; i++) {
    const entry = flowEntry(
      file,
      flows[i]!,
      signature,
      () => context.typeInfoOf(file.path),
      previous?.flows[i],
    );
    if (entry) entries.push(entry);
  }
  memo.files.set(file.path, { file, signature, flows: entries });
  return entries.map((e) => e.program);
}

/** The protocol programs of every flow of the CorDapp, by flow name. */
export function unitPrograms(context: RuleContext): Map<string, ProtocolProgram> {
  const memo = protocolMemo(context);
  const signature = context.unitSignature?.() ?? '';
  const programs = new Map<string, ProtocolProgram>();
  for (const file of context.unit.files) {
    for (const program of filePrograms(context, file, memo, signature)) programs.set(program.flow, program);
  }
  return programs;
}

const libraryProgramsByUnit = new WeakMap<CordappUnit, Map<string, ProtocolProgram>>();

/**
 * The flow library's programs, when the CorDapp imports it: a conversation that goes through library flows
 * (`call TwoPartyTradeSeller(session, ...)`) is followed into them. Computed once per library unit.
 */
function libraryPrograms(context: RuleContext): Map<string, ProtocolProgram> | undefined {
  const imports = context.unit.files.some((f) =>
    f.document.items.some((i) => i.kind === 'ImportDecl' && i.source === LIBRARY_SPECIFIER),
  );
  if (!imports) return undefined;
  const unit = context.program.libraryUnit();
  if (!unit) return undefined;
  let programs = libraryProgramsByUnit.get(unit);
  if (!programs) {
    programs = new Map();
    for (const file of unit.files) {
      const info = new TypeInfo(buildFileScope(file, unit, context.program));
      for (const item of file.document.items)
        if (item.kind === 'FlowDecl') programs.set(item.name.name, extractProgram(item, info, file.path));
    }
    libraryProgramsByUnit.set(unit, programs);
  }
  return programs;
}

function protocolMemo(context: RuleContext): ProtocolMemo {
  const fresh = (): ProtocolMemo => ({ files: new Map(), pairs: new WeakMap() });
  if (!context.memo) return fresh();
  let memo = context.memo.get('protocol') as ProtocolMemo | undefined;
  if (!memo) {
    memo = fresh();
    context.memo.set('protocol', memo);
  }
  return memo;
}

function unitFaults(context: RuleContext): ProtocolFault[] {
  let faults = faultsByUnit.get(context.unit);
  if (!faults) {
    faults = [];
    const memo = protocolMemo(context);
    const own = unitPrograms(context);
    // the CorDapp's own pairs, with calls followed into the flow library's flows too
    const programs = new Map([...(libraryPrograms(context) ?? []), ...own]);
    const responders = new Map<string, ProtocolProgram>();
    for (const p of own.values())
      if (p.kind === 'responder' && p.respondsTo !== undefined && !responders.has(p.respondsTo))
        responders.set(p.respondsTo, p);
    for (const initiator of own.values()) {
      if (initiator.kind !== 'initiating') continue;
      const responder = responders.get(initiator.flow);
      if (!responder) continue;
      const known = memo.pairs.get(initiator);
      if (
        known &&
        known.responder === responder &&
        known.callees.every(([name, callee]) => programs.get(name) === callee)
      ) {
        faults.push(...known.faults);
        continue;
      }
      const found = checkPair(initiator, responder, (name) => programs.get(name));
      memo.pairs.set(initiator, {
        responder,
        callees: callees([initiator, responder], programs),
        faults: found,
      });
      faults.push(...found);
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
