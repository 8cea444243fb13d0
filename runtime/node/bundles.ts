/**
 * Reading `.cordapp` bundles on a node: verify the container (every file's sha256, the signature when one is
 * required), then evaluate its `flows.js` and build the machines. A bundle that fails verification is refused
 * with every problem named, and nothing is installed.
 */
// the ledger's cryptography, for the flows these bundles run
import './crypto.js';
import { verifyBundle } from '../../compiler/node/bundle.js';
import { buildCordapp } from '../../compiler/node/build.js';
import { CordappError, loadCordapp, type CordappModule, type LoadedCordapp } from '../cordapp.js';

export interface ReadBundleOptions {
  requireSignature?: boolean;
  /** Trusted signers' public keys (SPKI, base64). */
  trusted?: string[];
}

const modules = new Map<string, Promise<CordappModule>>();

/** Verifies a `.cordapp` container's text and loads it. Throws a `CordappError` naming what is wrong. */
export async function readCordapp(text: string, options: ReadBundleOptions = {}): Promise<LoadedCordapp> {
  const verified = verifyBundle(text, options);
  if (!verified.ok || !verified.container) {
    throw new CordappError(`The bundle is refused: ${verified.problems.join(' ')}`);
  }
  const files = verified.container.files;
  const source = files['flows.js'];
  if (source === undefined) throw new CordappError('The bundle is refused: it has no flows.js.');
  // the same code is evaluated once per process, whatever the number of nodes that install it
  let module = modules.get(source);
  if (!module) {
    module = import(
      `data:text/javascript;base64,${Buffer.from(source).toString('base64')}`
    ) as Promise<CordappModule>;
    modules.set(source, module);
  }
  return loadCordapp({ hash: verified.container.manifestSha256, files, module: await module, text });
}

/** Builds a CorDapp directory in memory and loads the bundle (tests, `flowc run`). */
export async function buildAndLoadCordapp(dir: string): Promise<LoadedCordapp> {
  const result = await buildCordapp(dir);
  if (!result.ok) {
    const first = result.diagnostics.find((d) => d.severity === 'error');
    throw new CordappError(
      `${dir} does not build: ${first ? `${first.file}:${first.range.line}:${first.range.column}: ${first.message}` : 'it has errors'}`,
    );
  }
  return readCordapp(result.bundle);
}
