/** `flowc diff OLD NEW [--format text|json]`: can in-flight flows and old counterparts move to NEW? */
import { readFileSync, statSync } from 'node:fs';
import { formatDiagnosticsText } from '../../../language/index.js';
import { InputError } from '../../../language/node/process.js';
import { cordappModel, diffCordapps, formatDiff, type CordappModel } from '../../diff.js';
import { buildCordapp } from '../build.js';
import { verifyBundle } from '../bundle.js';
import { displayPath } from './check.js';

/** A CorDapp from a `.cordapp` bundle (verified) or a source directory (built in memory). */
async function load(target: string): Promise<CordappModel> {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(target).isDirectory();
  } catch {
    throw new InputError(`cannot read "${target}": no such file or directory`);
  }
  if (!isDirectory) {
    const verified = verifyBundle(readFileSync(target, 'utf8'));
    if (!verified.ok || !verified.container) {
      throw new InputError(`"${target}" is not a sound bundle: ${verified.problems[0] ?? 'unreadable'}`);
    }
    if (!verified.container.files['protocol.json']) {
      throw new InputError(`"${target}" was built by an older flowc without protocol.json; rebuild it`);
    }
    return cordappModel(verified.container.files);
  }
  const built = await buildCordapp(target);
  if (!built.ok) {
    const shown = built.diagnostics.map((d) => ({ ...d, file: displayPath(d.file) }));
    process.stderr.write(formatDiagnosticsText(shown) + '\n');
    throw new InputError(`"${target}" has errors: fix them before comparing`);
  }
  return cordappModel(built.files);
}

export async function diffCommand(
  oldPath: string,
  newPath: string,
  options: { format: 'text' | 'json' },
): Promise<number> {
  const report = diffCordapps(await load(oldPath), await load(newPath));
  process.stdout.write(
    options.format === 'json' ? JSON.stringify(report, null, 2) + '\n' : formatDiff(report),
  );
  return report.checkpointsCompatible && report.protocolCompatible ? 0 : 1;
}
