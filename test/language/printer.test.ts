import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, print, sameIgnoringLocations, withoutLocations } from '../../language/index.js';
import { dedent, parseFlow } from '../utils/index.js';

const root = path.resolve(import.meta.dirname, '../..');

function flowFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return flowFiles(full);
    return entry.endsWith('.flow') ? [full] : [];
  });
}

const fmt = (text: string): string => print(parseFlow(text));

describe('printer', () => {
  const files = [...flowFiles(path.join(root, 'test')), ...flowFiles(path.join(root, 'samples'))].filter(
    (file) => parse(readFileSync(file, 'utf8')).diagnostics.length === 0,
  );

  it('has fixtures to format', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  for (const file of files) {
    const name = path.relative(root, file);
    it(`round-trips ${name}: fmt is idempotent, keeps the tree and every comment`, () => {
      const text = readFileSync(file, 'utf8');
      const once = fmt(text);
      expect(fmt(once)).toBe(once);
      const before = parse(text).document;
      const after = parse(once).document;
      expect(withoutLocations(after)).toEqual(withoutLocations(before));
      expect(after.comments.map((c) => c.text.trim())).toEqual(before.comments.map((c) => c.text.trim()));
    });
  }

  it('prints the canonical layout', () => {
    const messy = dedent`
      cordapp   com.x  version 1.0.0
      import {B,A} from "./h.ts"
      message M {a: Int, b: List<String>}
      enum E {X,Y}
      @startable initiating flow F(p:Party)->Int{
      progress{ S "Step one" tracks G }
      let s=open p
          step S
      if s==s{return 1}else if false{fail "no"}else{sleep 5m}
      return -(1+2)*3
      }
    `;
    expect(fmt(messy)).toBe(dedent`
      cordapp com.x version 1.0.0

      import { B, A } from "./h.ts"

      message M {
        a: Int
        b: List<String>
      }

      enum E { X, Y }

      @startable
      initiating flow F(p: Party) -> Int {
        progress {
          S "Step one" tracks G
        }
        let s = open p
        step S
        if s == s {
          return 1
        } else if false {
          fail "no"
        } else {
          sleep 5m
        }
        return -(1 + 2) * 3
      }
    `);
  });

  it('keeps leading, trailing, dangling and doc comments where they belong', () => {
    const text = dedent`
      // file header
      cordapp com.x version 1.0.0

      /// Doc of M.
      message M {
        a: Int // trailing a
        // before b
        b: String
        // dangling at the end of M
      }

      flow F() {
        /* block
           comment */
        let x = [
          1, // inside an expression
          2]
        try {
          // only a comment
        } catch {
        }
      } // after F
    `;
    expect(fmt(text)).toBe(dedent`
      // file header
      cordapp com.x version 1.0.0

      /// Doc of M.
      message M {
        a: Int // trailing a
        // before b
        b: String
        // dangling at the end of M
      }

      flow F() {
        /* block
           comment */
        // inside an expression
        let x = [1, 2]
        try {
          // only a comment
        } catch {}
      } // after F
    `);
  });

  it('keeps one blank line between groups of statements and drops the rest', () => {
    const text = 'flow F() {\n  let a = 1\n\n\n\n  let b = 2\n  let c = 3\n}\n';
    expect(fmt(text)).toBe('flow F() {\n  let a = 1\n\n  let b = 2\n  let c = 3\n}\n');
  });

  it('adds only the parentheses the grammar needs', () => {
    const cases: [string, string][] = [
      ['(a + b) * c', '(a + b) * c'],
      ['a + (b * c)', 'a + b * c'],
      ['a - (b - c)', 'a - (b - c)'],
      ['(a - b) - c', 'a - b - c'],
      ['(a % b) / c', '(a % b) / c'],
      ['!(a && b)', '!(a && b)'],
      ['(receive Int from s) + 1', 'receive Int from s + 1'],
      ['receive Int from (sessions.first)', 'receive Int from sessions.first'],
      ['(f)(x)', 'f(x)'],
    ];
    for (const [input, output] of cases) {
      expect(fmt(`flow F() {\n  let x = ${input}\n}\n`)).toBe(`flow F() {\n  let x = ${output}\n}\n`);
    }
  });

  it('parenthesises a record in an if or for header, and nowhere else', () => {
    const text = 'flow F() {\n  if (M { a: 1 }).a > 0 {\n    send M { a: 2 } to s\n  }\n}\n';
    expect(fmt(text)).toBe(text);
  });

  it('escapes strings so they read back the same', () => {
    const document = parseFlow('flow F() {\n  let s = "tab\\t quote\\" brace\\{ {x} \\u{1}"\n}\n');
    const printed = print(document);
    expect(printed).toContain('"tab\\t quote\\" brace\\{ {x} \\u{1}"');
    expect(sameIgnoringLocations(parseFlow(printed), document)).toBe(true);
  });

  it('prints long enums one member per line', () => {
    const members = Array.from({ length: 12 }, (_, i) => `Member${i}`);
    const printed = fmt(`enum E { ${members.join(', ')} }\n`);
    expect(printed).toBe(`enum E {\n${members.map((m) => `  ${m}`).join('\n')}\n}\n`);
  });
});
