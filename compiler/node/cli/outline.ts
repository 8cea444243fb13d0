/** `flowc outline PATH...`: each CorDapp with its messages, enums and flows, and where each flow talks or waits. */
import { groupIntoUnits, outlineFlow, printTypeRef } from '../../../language/index.js';
import { loadWorkspace } from '../../../language/node/files.js';
import { displayPath } from './check.js';

export async function outlineCommand(paths: string[]): Promise<number> {
  const { workspace, requested } = await loadWorkspace(paths);
  const wanted = new Set(requested);
  const files = workspace.paths().map((p) => workspace.getFile(p)!);
  const out: string[] = [];
  for (const unit of groupIntoUnits(files)) {
    if (!unit.some((f) => wanted.has(f.path))) continue;
    const header = unit.flatMap((f) => f.document.items).find((i) => i.kind === 'CordappDecl');
    const name =
      header?.kind === 'CordappDecl'
        ? `${header.name.parts.map((p) => p.name).join('.')} ${header.version}`
        : '(no cordapp header)';
    out.push(`cordapp ${name}`);
    for (const file of unit) {
      out.push(`  ${displayPath(file.path)}`);
      for (const item of file.document.items) {
        if (item.kind === 'MessageDecl') {
          out.push(
            `    message ${item.name.name} { ${item.fields.map((f) => `${f.name.name}: ${printTypeRef(f.type)}`).join(', ')} }`,
          );
        } else if (item.kind === 'EnumDecl') {
          out.push(`    enum ${item.name.name} { ${item.members.map((m) => m.name.name).join(', ')} }`);
        } else if (item.kind === 'FlowDecl') {
          const outline = outlineFlow(item);
          out.push(`    ${outline.header}    [line ${item.loc.line}]`);
          if (outline.progress.length) out.push(`      progress: ${outline.progress.join(' → ')}`);
          for (const line of outline.body)
            out.push(`      ${String(line.line).padStart(4)}  ${'  '.repeat(line.depth)}${line.text}`);
        }
      }
    }
    out.push('');
  }
  process.stdout.write(out.join('\n') + '\n');
  return 0;
}
