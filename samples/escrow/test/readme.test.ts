/** The commands of samples/escrow/README.md, run in order through the built flowc, give what the README says. */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanUp,
  ensureBuilt,
  flowc,
  readmeCommands,
  runAsWritten,
} from '../../../test/utils/readmeCommands.js';

const commands = readmeCommands(path.resolve(import.meta.dirname, '../README.md'));
const [check, ...session] = commands;

beforeAll(ensureBuilt);
afterAll(cleanUp);

describe('samples/escrow/README.md', () => {
  it('lists the commands to run', () => {
    expect(commands.map((c) => c.args.slice(0, 4).join(' ') || c.line)).toEqual([
      'check samples/escrow',
      'run samples/escrow --flow IssueCash',
      'run samples/escrow --flow OpenEscrow',
      'run samples/escrow --flow ReleaseEscrow',
      'run samples/escrow --flow OpenEscrow',
      'sleep 1',
      'run samples/escrow --flow ReleaseEscrow',
      'run samples/escrow --flow Balance',
      'run samples/escrow --flow Balance',
    ]);
  });

  it.concurrent('checks', async () => {
    expect(await flowc(check!.args)).toMatchObject({ status: 0 });
  });

  it.concurrent(
    'works as written, one command after the other on the same nodes',
    async () => {
      for (const command of session) {
        await runAsWritten(command);
      }
    },
    90_000,
  );
});
