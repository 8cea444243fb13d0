/** Small node-only pieces the CLI needs before it loads anything heavy. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Thrown for input that cannot be used; the CLI turns it into one line on stderr and exit code 2. */
export class InputError extends Error {}

/** The repository's root, found from this file whether it runs from the sources or from `dist/`. */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return dir;
}
