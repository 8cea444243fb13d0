/**
 * `npm run fuzz [-- --runs N] [--seed S] [--only TEXT]`: the language properties of `test/language/property.ts`
 * with many cases (10,000 per property by default) and a fresh seed, printed first so any run can be repeated.
 * Also the fast parser against the recovering one on the same arbitraries (as in
 * `test/language/fastParser.test.ts`): the same AST or a fallback, and a fallback only on text with diagnostics.
 *
 * Every case runs, failing or not, so the report counts failures; then each failing property runs again with
 * the same seed and no safety net, and fast-check shrinks its first failure to a small counterexample.
 * Exits 1 when any property failed.
 */
import fc from 'fast-check';
import { parse, parseFast, parseWithRecovery } from '../../language/parse.js';
import {
  languageProperties,
  mutatedFixture,
  tokenSoup,
  validDocument,
  type PropertyDefinition,
} from '../language/property.js';

/** Throws unless the fast parser builds the recovering parser's AST, or gives up on text with diagnostics. */
function sameAsRecovering(text: string): void {
  const reference = parseWithRecovery(text);
  const expected = JSON.stringify(reference.document);
  if (JSON.stringify(parse(text)) !== JSON.stringify(reference))
    throw new Error(`parse differs from the recovering path on:\n${text}`);
  const fast = parseFast(text);
  if (fast === undefined) {
    if (reference.diagnostics.length === 0)
      throw new Error(`The fast parser gave up on text without diagnostics:\n${text}`);
  } else if (reference.diagnostics.length > 0) {
    throw new Error(`The fast parser accepted text with diagnostics:\n${text}`);
  } else if (JSON.stringify(fast) !== expected) {
    throw new Error(`The fast parser built another AST for:\n${text}`);
  }
}

function differential<T>(
  name: string,
  arbitrary: fc.Arbitrary<T>,
  text: (value: T) => string,
): PropertyDefinition {
  const predicate = (value: T): void => sameAsRecovering(text(value));
  return {
    name,
    property: (wrap) => fc.property(arbitrary, wrap ? wrap(predicate) : predicate) as fc.IProperty<[unknown]>,
  };
}

const properties: readonly PropertyDefinition[] = [
  ...languageProperties,
  differential('fast parser = recovering parser: token soup', tokenSoup, (text) => text),
  differential('fast parser = recovering parser: generated documents', validDocument, (text) => text),
  differential('fast parser = recovering parser: mutated fixtures', mutatedFixture, (file) => file.text),
];

interface Options {
  runs: number;
  seed: number;
  only?: string;
}

function parseOptions(args: string[]): Options {
  const value = (flag: string): string | undefined => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const integer = (flag: string, fallback: number): number => {
    const text = value(flag);
    const parsed = text === undefined ? fallback : Number(text);
    if (!Number.isSafeInteger(parsed)) throw new Error(`${flag} needs a whole number, not "${text}".`);
    return parsed;
  };
  const options: Options = {
    runs: integer('--runs', 10_000),
    seed: integer('--seed', Date.now() % 2 ** 31),
  };
  const only = value('--only');
  if (only !== undefined) options.only = only;
  if (options.runs < 1) throw new Error('--runs needs at least 1.');
  return options;
}

interface Outcome {
  name: string;
  cases: number;
  failures: number;
  seconds: number;
  /** fast-check's report of the shrunk counterexample, with the seed and path that replay it. */
  report?: string;
}

const PROGRESS_EVERY = 1_000;
const count = (n: number): string => n.toLocaleString('en-US');

function fuzz(definition: PropertyDefinition, { runs, seed }: Options): Outcome {
  const started = performance.now();
  let cases = 0;
  let failures = 0;
  const property = definition.property((predicate) => (value) => {
    cases++;
    try {
      predicate(value);
    } catch {
      failures++;
    }
    if (cases % PROGRESS_EVERY === 0) {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      console.log(`  ${count(cases)}/${count(runs)} cases, ${count(failures)} failing, ${seconds} s`);
    }
  });
  fc.check(property, { numRuns: runs, seed });
  const outcome: Outcome = {
    name: definition.name,
    cases,
    failures,
    seconds: (performance.now() - started) / 1000,
  };
  if (failures > 0) {
    // the same seed draws the same cases: this run stops at the first failure and shrinks it
    const details = fc.check(definition.property(), { numRuns: runs, seed });
    const error = details.errorInstance;
    outcome.report = details.failed
      ? `${fc.defaultReportMessage(details)}\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}`
      : 'The failure did not reproduce without the counter.';
  }
  return outcome;
}

function printTable(outcomes: Outcome[]): void {
  const rows = [
    ['property', 'cases', 'failures', 'time'],
    ...outcomes.map((o) => [o.name, count(o.cases), count(o.failures), `${o.seconds.toFixed(1)} s`]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (row: string[]): string =>
    `| ${row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join(' | ')} |`;
  console.log(line(rows[0]!));
  console.log(
    `|${widths.map((w, c) => (c === 0 ? ` ${'-'.repeat(w)} ` : ` ${'-'.repeat(w - 1)}: `)).join('|')}|`,
  );
  for (const row of rows.slice(1)) console.log(line(row));
}

function main(): number {
  const options = parseOptions(process.argv.slice(2));
  const selected = properties.filter((p) => !options.only || p.name.includes(options.only));
  if (selected.length === 0) {
    console.error(`No property matches "${options.only}".`);
    return 2;
  }
  console.log(`fuzz: ${count(options.runs)} cases per property, seed ${options.seed}`);
  const outcomes: Outcome[] = [];
  for (const definition of selected) {
    console.log(`\n${definition.name}`);
    outcomes.push(fuzz(definition, options));
  }
  console.log('');
  printTable(outcomes);
  const failed = outcomes.filter((o) => o.failures > 0);
  for (const outcome of failed) console.log(`\n${outcome.name}: ${outcome.report}`);
  console.log(
    failed.length === 0
      ? `\nAll properties hold (seed ${options.seed}).`
      : `\n${failed.length} ${failed.length === 1 ? 'property fails' : 'properties fail'}: replay with npm run fuzz -- --seed ${options.seed} --runs ${options.runs}`,
  );
  return failed.length === 0 ? 0 : 1;
}

process.exitCode = main();
