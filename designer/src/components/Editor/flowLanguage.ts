/** `.flow` highlighting for CodeMirror: a small stream tokenizer (keywords, types, strings, durations, comments). */
import { StreamLanguage, type StringStream } from '@codemirror/language';

const KEYWORDS = new Set(
  'cordapp version import from message enum initiating responder flow for progress tracks let var step send to return require else fail if in sleep until try catch close receive within call await input open retry backoff me true false'.split(
    ' ',
  ),
);

interface State {
  inString: boolean;
  inBlockComment: boolean;
}

export const flowLanguage = StreamLanguage.define<State>({
  name: 'flow',
  startState: () => ({ inString: false, inBlockComment: false }),
  token(stream: StringStream, state: State): string | null {
    if (state.inBlockComment) {
      if (stream.skipTo('*/')) {
        stream.next();
        stream.next();
        state.inBlockComment = false;
      } else stream.skipToEnd();
      return 'comment';
    }
    if (state.inString) {
      while (!stream.eol()) {
        const ch = stream.next();
        if (ch === '\\') stream.next();
        else if (ch === '"') {
          state.inString = false;
          break;
        }
      }
      return 'string';
    }
    if (stream.eatSpace()) return null;
    if (stream.match('//')) {
      stream.skipToEnd();
      return 'comment';
    }
    if (stream.match('/*')) {
      state.inBlockComment = true;
      return 'comment';
    }
    if (stream.peek() === '"') {
      stream.next();
      state.inString = true;
      return 'string';
    }
    if (stream.match(/^@[A-Za-z]+/)) return 'meta';
    if (stream.match(/^\d+(\.\d+)?(ms|s|m|h|d)\b/)) return 'number';
    if (stream.match(/^\d+(\.\d+)?/)) return 'number';
    const word = stream.match(/^[A-Za-z_][A-Za-z0-9_]*/) as RegExpMatchArray | null;
    if (word) {
      if (KEYWORDS.has(word[0])) return 'keyword';
      return /^[A-Z]/.test(word[0]) ? 'typeName' : 'variableName';
    }
    stream.next();
    return null;
  },
  languageData: { commentTokens: { line: '//' } },
});
