/** Workspace paths of the language server: POSIX paths, and the flow library's `flows:std/NAME` files. */
import path from 'node:path';
import { LIBRARY_SPECIFIER } from '../../checker/program.js';
import { packageRoot } from '../process.js';

export function toPosix(file: string): string {
  return file.split(path.sep).join('/');
}

/** Where a workspace path is on disk: the flow library's `flows:std/NAME` files are in `runtime/library/`. */
export function onDisk(file: string): string {
  return file.startsWith(`${LIBRARY_SPECIFIER}/`)
    ? path.join(packageRoot(), 'runtime', 'library', file.slice(LIBRARY_SPECIFIER.length + 1))
    : file;
}
