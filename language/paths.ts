/** POSIX-style path helpers for the pure core (no `node:path` here: this code also runs in the browser). */

export function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  if (i < 0) return '.';
  return i === 0 ? '/' : path.slice(0, i);
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Joins and normalises `a/./b/../c` segments; keeps a leading `/` and leading `..` of relative paths. */
export function joinPath(...parts: string[]): string {
  const joined = parts.filter(Boolean).join('/');
  const absolute = joined.startsWith('/');
  const out: string[] = [];
  for (const segment of joined.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else if (segment !== '..' || !absolute) out.push(segment);
  }
  const result = out.join('/');
  return absolute ? '/' + result : result || '.';
}

export function resolveRelative(fromFile: string, specifier: string): string {
  return joinPath(dirname(fromFile), specifier);
}
