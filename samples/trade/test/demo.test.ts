/** `npm run demo` (samples/trade/demo.ts) runs the trade end to end and exits 0. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');

describe('npm run demo', () => {
  it('trades a lot for cash on three SQLite nodes and prints the transaction and the vaults', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'samples/trade/demo.ts'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const out = run.stdout;
    expect(out).toContain('Vaults before the trade');
    expect(out).toMatch(/Notarised transaction [0-9a-f]{64}/);
    expect(out).toContain('signed by Buyer, Seller, Notary');
    expect(out).toContain('the notary holds its 2 inputs as consumed');
    const after = out.slice(out.indexOf('Vaults after the trade'));
    expect(after).toMatch(/Seller\n\s+Cash\s+250 USD issued by Buyer\s+owner Seller/);
    expect(after).toMatch(/Buyer\n\s+Commodity\s+100 t of copper \(lot-7\)\s+owner Buyer/);
    // the live progress tree: the seller's steps, the library's nested under them
    expect(out).toMatch(/▶ Trading\n\s+▶ Sending the asset and the price/);
  }, 90_000);
});
