/**
 * A flow's outline: its header, progress steps, and the statements where it talks or waits (open, send,
 * receive, call, await, sleep, close, step), nested under the `if`/`for`/`try` that hold them.
 */
import type * as A from './ast.js';
import { expr, typeRef } from './printer.js';

export interface OutlineLine {
  depth: number;
  line: number;
  text: string;
}

function header(flow: A.FlowDecl): string {
  const annotations = flow.annotations
    .map((a) => `@${a.name.name}${a.args.length ? `(${a.args.map((x) => expr(x)).join(', ')})` : ''} `)
    .join('');
  const kind = flow.flowKind === 'inline' ? '' : `${flow.flowKind} `;
  const params = flow.params.map((p) => `${p.name.name}: ${typeRef(p.type)}`).join(', ');
  const target = flow.respondsTo ? ` for ${flow.respondsTo.name}` : '';
  const result = flow.returnType ? ` -> ${typeRef(flow.returnType)}` : '';
  return `${annotations}${kind}flow ${flow.name.name}(${params})${target}${result}`;
}

/** The suspending or communicating expressions inside `e`, outermost first. */
function interesting(e: A.Expression | undefined, out: string[]): void {
  if (!e) return;
  switch (e.kind) {
    case 'ReceiveExpression':
      out.push(
        `receive ${typeRef(e.type)} from ${expr(e.session)}${e.within ? ` within ${expr(e.within)}` : ''}`,
      );
      return;
    case 'CallFlowExpression':
      out.push(`call ${e.flow.name}`);
      return;
    case 'AwaitInputExpression':
      out.push(`await input ${typeRef(e.type)}${e.within ? ` within ${expr(e.within)}` : ''}`);
      return;
    case 'AwaitExpression':
      out.push(`await ${expr(e.operation)}`);
      return;
    case 'OpenExpression':
      out.push(`open ${expr(e.party)}`);
      return;
    case 'BinaryExpression':
      interesting(e.left, out);
      interesting(e.right, out);
      return;
    case 'UnaryExpression':
      interesting(e.operand, out);
      return;
    default:
      return;
  }
}

function statements(block: A.Block, depth: number, out: OutlineLine[]): void {
  for (const s of block.statements) {
    const at = (text: string, d = depth): void => void out.push({ depth: d, line: s.loc.line, text });
    const found: string[] = [];
    switch (s.kind) {
      case 'StepStatement':
        at(`step ${s.step.name}`);
        continue;
      case 'SendStatement':
        at(`send ${expr(s.value)} to ${expr(s.session)}`);
        continue;
      case 'SleepStatement':
        at(`sleep ${s.until ? 'until ' : ''}${expr(s.value)}`);
        continue;
      case 'CloseStatement':
        at(`close ${expr(s.session)}`);
        continue;
      case 'FailStatement':
        at(`fail ${expr(s.message)}`);
        continue;
      case 'IfStatement': {
        let branch: A.IfStatement | undefined = s;
        let keyword = 'if';
        while (branch) {
          out.push({ depth, line: branch.loc.line, text: `${keyword} ${expr(branch.condition)}` });
          statements(branch.then, depth + 1, out);
          const next: A.IfStatement | A.Block | undefined = branch.else;
          if (next?.kind === 'Block') {
            out.push({ depth, line: next.loc.line, text: 'else' });
            statements(next, depth + 1, out);
            break;
          }
          branch = next;
          keyword = 'else if';
        }
        continue;
      }
      case 'ForStatement':
        at(`for ${s.variable.name} in ${expr(s.iterable)}`);
        statements(s.body, depth + 1, out);
        continue;
      case 'TryStatement':
        at('try');
        statements(s.body, depth + 1, out);
        out.push({
          depth,
          line: s.handler.loc.line,
          text: `catch${s.errorName ? ` ${s.errorName.name}` : ''}`,
        });
        statements(s.handler, depth + 1, out);
        continue;
      case 'LetStatement':
        interesting(s.init, found);
        break;
      case 'AssignStatement':
        interesting(s.value, found);
        break;
      case 'ReturnStatement':
        interesting(s.value, found);
        if (!found.length) at(s.value ? `return ${expr(s.value)}` : 'return');
        break;
      case 'ExpressionStatement':
        interesting(s.expression, found);
        break;
      default:
        break;
    }
    for (const text of found) at(s.kind === 'ReturnStatement' ? `return ${text}` : text);
  }
}

export function outlineFlow(flow: A.FlowDecl): { header: string; progress: string[]; body: OutlineLine[] } {
  const body: OutlineLine[] = [];
  statements(flow.body, 0, body);
  const progress = (flow.progress?.steps ?? []).map(
    (s) => `${s.name.name} "${s.label}"${s.tracks ? ` (tracks ${s.tracks.name})` : ''}`,
  );
  return { header: header(flow), progress, body };
}
