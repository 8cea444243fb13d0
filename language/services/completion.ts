/**
 * Completion: keywords, the names in scope, fields and members after `.`, progress steps after `step`, flows
 * after `call`, types where a type is expected, and the exports of a module inside `import { }`.
 *
 * The context is read from the text before the cursor (it is often not valid syntax yet), the names from the
 * checked, possibly recovered, file.
 */
import type * as A from '../ast.js';
import {
  builtinMember,
  builtinMemberNames,
  BUILTIN_FUNCTIONS,
  KNOWN_ANNOTATIONS,
} from '../checker/builtins.js';
import type { Symbol } from '../checker/symbols.js';
import { PRIMITIVE_TYPE_NAMES, T, typeToString, type Type } from '../types.js';
import { describe, docOf, flowHeader } from './describe.js';
import type { FileIndex } from './occurrences.js';
import { itemAt, localsAt } from './scope.js';
import { CompletionKind } from './types.js';

export interface CompletionItem {
  label: string;
  kind: number;
  detail?: string;
  documentation?: string;
  /** Keeps the order the service chose: groups first, then labels. */
  sortText: string;
}

export interface CompletionOptions {
  /** The names a module exports, for `import { | } from "SOURCE"`. */
  exportsOf?(
    source: string,
    file: string,
  ): { name: string; kind: 'function' | 'type' | 'message' | 'enum' | 'flow'; detail?: string }[];
}

const TOP_LEVEL_KEYWORDS = ['cordapp', 'enum', 'flow', 'import', 'initiating', 'message', 'responder'];
const BODY_KEYWORDS = [
  'await', 'call', 'close', 'else', 'fail', 'false', 'for', 'if', 'let', 'me', 'open', 'receive', 'require',
  'return', 'send', 'sleep', 'step', 'true', 'try', 'var',
]; // prettier-ignore

type Group = 0 | 1 | 2 | 3;

function item(
  label: string,
  kind: number,
  group: Group,
  detail?: string,
  documentation?: string,
): CompletionItem {
  const result: CompletionItem = { label, kind, sortText: `${group}${label}` };
  if (detail !== undefined) result.detail = detail;
  if (documentation !== undefined) result.documentation = documentation;
  return result;
}

function symbolItem(symbol: Symbol, group: Group): CompletionItem {
  const kinds: Record<Symbol['kind'], number> = {
    message: CompletionKind.Struct,
    enum: CompletionKind.Enum,
    flow: CompletionKind.Function,
    hostFunction: CompletionKind.Function,
    hostType: CompletionKind.Class,
    builtinType: CompletionKind.Class,
    builtinFunction: CompletionKind.Function,
    local: CompletionKind.Variable,
  };
  return item(symbol.name, kinds[symbol.kind], group, describe(symbol), docOf(symbol));
}

/** True when the cursor is in a comment or in the text of a string (not in an interpolation). */
function inCommentOrString(prefix: string): boolean {
  let quote = false;
  let depth = 0; // interpolation braces inside the string
  for (let i = 0; i < prefix.length; i++) {
    const c = prefix[i];
    if (quote) {
      if (depth === 0) {
        if (c === '\\') i++;
        else if (c === '"') quote = false;
        else if (c === '{') depth = 1;
      } else if (c === '{') depth++;
      else if (c === '}') depth--;
      else if (c === '"') return false; // a nested string in an interpolation: give up, offer names
    } else if (c === '"') quote = true;
    else if (c === '/' && (prefix[i + 1] === '/' || prefix[i + 1] === '*')) return true;
  }
  return quote && depth === 0;
}

function typeItems(names: ReadonlyMap<string, Symbol>): CompletionItem[] {
  const items = [...PRIMITIVE_TYPE_NAMES, 'List'].map((name) =>
    item(
      name,
      CompletionKind.Class,
      1,
      name === 'List' ? '(built-in type) List<T>' : `(built-in type) ${name}`,
    ),
  );
  for (const symbol of names.values()) {
    if (symbol.kind === 'message' || symbol.kind === 'enum' || symbol.kind === 'hostType')
      items.push(symbolItem(symbol, 0));
  }
  return items;
}

function flowItems(names: ReadonlyMap<string, Symbol>, only?: A.FlowKind): CompletionItem[] {
  const items: CompletionItem[] = [];
  for (const symbol of names.values()) {
    if (symbol.kind === 'flow' && (!only || symbol.decl.flowKind === only)) {
      items.push(item(symbol.name, CompletionKind.Function, 0, flowHeader(symbol.decl), symbol.decl.doc));
    }
  }
  return items;
}

function membersOf(type: Type, index: FileIndex): CompletionItem[] {
  if (type.kind === 'record') {
    const message = [...index.result.typeInfo.scope.names.values()].find(
      (s): s is Extract<Symbol, { kind: 'message' }> => s.kind === 'message' && s.type === type,
    );
    return type.fields.map((f) => {
      const doc = message?.decl.fields.find((d) => d.name.name === f.name)?.doc;
      return item(
        f.name,
        CompletionKind.Field,
        0,
        `(field) ${type.name}.${f.name}: ${typeToString(f.type)}`,
        doc,
      );
    });
  }
  return builtinMemberNames(type).map((name) => {
    const memberType = builtinMember(type, name) ?? T.error;
    return item(
      name,
      CompletionKind.Property,
      0,
      `(property) ${typeToString(type)}.${name}: ${typeToString(memberType)}`,
    );
  });
}

function memberCompletions(
  chain: string[],
  index: FileIndex,
  flow: A.FlowDecl | undefined,
  offset: number,
): CompletionItem[] {
  const [head, ...path] = chain;
  const names = index.result.typeInfo.scope.names;
  let type: Type | undefined;
  const local = flow ? localsAt(flow, index.result.typeInfo, offset).find((l) => l.name === head) : undefined;
  if (local) type = local.type;
  else if (head === 'me') type = T.Party;
  else {
    const global = names.get(head!);
    if (
      global &&
      (global.kind === 'enum' || global.kind === 'hostType') &&
      global.type.kind === 'enum' &&
      path.length === 0
    ) {
      const decl = global.kind === 'enum' ? global.decl : undefined;
      return global.type.members.map((m) =>
        item(
          m,
          CompletionKind.EnumMember,
          0,
          `(enum member) ${global.name}.${m}`,
          decl?.members.find((d) => d.name.name === m)?.doc,
        ),
      );
    }
  }
  for (const name of path) {
    if (!type) return [];
    type =
      type.kind === 'record' ? type.fields.find((f) => f.name === name)?.type : builtinMember(type, name);
  }
  return type ? membersOf(type, index) : [];
}

function importCompletions(
  prefix: string,
  rest: string,
  index: FileIndex,
  options: CompletionOptions,
): CompletionItem[] | undefined {
  const open = /\bimport\s*\{([^}]*)$/.exec(prefix);
  if (!open) return undefined;
  const source = /^[^}]*\}\s*from\s*"([^"]*)"/.exec(rest)?.[1];
  if (source === undefined || !options.exportsOf) return [];
  const listed = new Set((open[1]! + (/^[^}]*/.exec(rest)?.[0] ?? '')).split(/[\s,]+/).filter(Boolean));
  const kinds = {
    function: CompletionKind.Function,
    type: CompletionKind.Class,
    message: CompletionKind.Struct,
    enum: CompletionKind.Enum,
    flow: CompletionKind.Function,
  };
  return options
    .exportsOf(source, index.path)
    .filter((e) => !listed.has(e.name))
    .map((e) => item(e.name, kinds[e.kind], 0, e.detail));
}

export function complete(
  index: FileIndex,
  offset: number,
  options: CompletionOptions = {},
): CompletionItem[] {
  const text = index.text;
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const prefix = text.slice(lineStart, offset);
  const lineEnd = text.indexOf('\n', offset);
  const rest = text.slice(offset, lineEnd < 0 ? text.length : lineEnd);
  if (inCommentOrString(prefix)) return [];
  const names = index.result.typeInfo.scope.names;
  const document = index.result.document;
  const container = itemAt(document, offset);
  const flow = container?.kind === 'FlowDecl' ? container : undefined;
  const sorted = (items: CompletionItem[]): CompletionItem[] =>
    items.sort((a, b) => (a.sortText < b.sortText ? -1 : a.sortText > b.sortText ? 1 : 0));

  const imports = importCompletions(prefix, rest, index, options);
  if (imports) return sorted(imports);
  if (/^\s*cordapp\b/.test(prefix)) return [];
  const annotation = /@\w*$/.test(prefix);
  if (annotation) {
    return sorted(
      [...KNOWN_ANNOTATIONS].map(([name, what]) =>
        item(name, CompletionKind.Keyword, 0, `@${name}: ${what}`),
      ),
    );
  }
  const member = /([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\.\w*$/.exec(prefix);
  if (member) return sorted(memberCompletions(member[1]!.split('.'), index, flow, offset));
  if (/\bstep\s+\w*$/.test(prefix)) {
    return sorted(
      (flow?.progress?.steps ?? []).map((s) =>
        item(
          s.name.name,
          CompletionKind.Event,
          0,
          `(progress step) ${s.name.name} ${JSON.stringify(s.label)}`,
          s.doc,
        ),
      ),
    );
  }
  if (/\b(call|tracks)\s+\w*$/.test(prefix)) return sorted(flowItems(names));
  if (flow && /\)\s*for\s+\w*$/.test(prefix) && offset < flow.body.loc.offset)
    return sorted(flowItems(names, 'initiating'));
  const typePosition =
    /(->|\breceive|\binput|\bList<)\s*\w*$/.test(prefix) ||
    (/:\s*\w*$/.test(prefix) &&
      (container?.kind === 'MessageDecl' ||
        (flow !== undefined && offset < flow.body.loc.offset) ||
        /^\s*(let|var)\s+\w+\s*:\s*\w*$/.test(prefix)));
  if (typePosition) return sorted(typeItems(names));
  if (!flow || offset <= flow.body.loc.offset) {
    // the first word of a line outside messages and enums (whose lines start with field and member names)
    if (container?.kind === 'MessageDecl' || container?.kind === 'EnumDecl' || !/^\s*\w*$/.test(prefix))
      return [];
    return sorted(TOP_LEVEL_KEYWORDS.map((k) => item(k, CompletionKind.Keyword, 2)));
  }

  const items: CompletionItem[] = localsAt(flow, index.result.typeInfo, offset).map((l) => symbolItem(l, 0));
  const local = new Set(items.map((i) => i.label));
  for (const symbol of names.values()) {
    if (symbol.kind !== 'flow' && !local.has(symbol.name)) items.push(symbolItem(symbol, 1));
  }
  for (const symbol of BUILTIN_FUNCTIONS.values())
    if (!local.has(symbol.name)) items.push(symbolItem(symbol, 1));
  for (const keyword of BODY_KEYWORDS) items.push(item(keyword, CompletionKind.Keyword, 2));
  return sorted(items);
}
