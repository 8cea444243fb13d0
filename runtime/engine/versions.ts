/**
 * CorDapp versions: which installed version is the newest. Used wherever the node picks a version (starting a
 * flow, starting a responder, upgrading a waiting flow), so it lives on its own.
 */
import type { LoadedCordapp } from '../cordapp.js';

export function newest(cordapps: LoadedCordapp[]): LoadedCordapp {
  return [...cordapps].sort((a, b) => compareVersions(b.version, a.version))[0]!;
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
