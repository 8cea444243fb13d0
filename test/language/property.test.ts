/**
 * The language front end's properties with a few hundred cases and a fixed seed, so the suite stays fast and
 * repeatable; `npm run fuzz` runs the same properties with thousands of cases and fresh seeds. On a failure,
 * fast-check prints the seed and the shrunk counterexample: pass the seed to `npm run fuzz -- --seed S`.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { languageProperties } from './property.js';

/** Cases per property: the token soup is cheap, the fixtures and generated documents are checked whole. */
const RUNS: Record<string, number> = { token: 300, generated: 50, mutated: 100 };
const SEED = Number(process.env.FLOWS_PROPERTY_SEED ?? 20_261_128);

describe('language properties', () => {
  for (const definition of languageProperties) {
    const runs = RUNS[definition.name.split(' ')[0]!] ?? 50;
    it(`${definition.name} (${runs} cases)`, () => {
      fc.assert(definition.property(), { numRuns: runs, seed: SEED });
    });
  }
});
