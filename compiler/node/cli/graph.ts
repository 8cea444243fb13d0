/** `flowc graph FILE --flow NAME --format json|mermaid|dot` */
import path from 'node:path';
import { formatDiagnosticsText, hasErrors } from '../../../language/index.js';
import { InputError, loadWorkspace } from '../../../language/node/files.js';
import { flowGraph, toDot, toMermaid } from '../../graph.js';
import { lowerFile } from '../../lower.js';
import { displayPath } from './check.js';

export async function graphCommand(
  file: string,
  options: { flow: string; format: 'json' | 'mermaid' | 'dot' },
): Promise<number> {
  const { workspace, requested } = await loadWorkspace([file]);
  const [result] = workspace.check(requested);
  if (!result) throw new InputError(`"${file}" is not a .flow file`);
  if (hasErrors(result.diagnostics)) {
    const shown = result.diagnostics.map((d) => ({ ...d, file: displayPath(result.path) }));
    process.stdout.write(
      formatDiagnosticsText(shown, { textOf: () => workspace.getFile(result.path)?.text }) + '\n',
    );
    return 1;
  }
  const flows = lowerFile(result, path.basename(result.path));
  const ir = flows.find((f) => f.name === options.flow);
  if (!ir) {
    throw new InputError(
      `no flow "${options.flow}" in "${file}"; its flows are: ${flows.map((f) => f.name).join(', ') || 'none'}`,
    );
  }
  const graph = flowGraph(ir);
  process.stdout.write(
    options.format === 'json'
      ? JSON.stringify(graph, null, 2) + '\n'
      : options.format === 'dot'
        ? toDot(graph)
        : toMermaid(graph),
  );
  return 0;
}
