/** The words of the language, as docs/language.md lists them: for completion, rename checks and highlighting. */

/** Reserved: never a name (except after `.` and as a field name). */
export const RESERVED_WORDS: readonly string[] = [
  'cordapp', 'import', 'message', 'enum', 'initiating', 'responder', 'flow', 'progress', 'let', 'var', 'step',
  'send', 'return', 'require', 'else', 'fail', 'if', 'for', 'sleep', 'try', 'catch', 'close', 'receive', 'call',
  'await', 'open', 'me', 'true', 'false',
]; // prettier-ignore

/** Keywords only where the grammar expects them, names everywhere else. */
export const SOFT_KEYWORDS: readonly string[] = [
  'version', 'from', 'to', 'in', 'within', 'until', 'retry', 'backoff', 'input', 'tracks',
]; // prettier-ignore

export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isReserved(word: string): boolean {
  return RESERVED_WORDS.includes(word);
}
