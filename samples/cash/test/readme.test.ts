/** The commands of samples/cash/README.md, run in order through the built flowc, give what the README says. */
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

describe('samples/cash/README.md', () => {
  it('lists the commands to run', () => {
    expect(commands.map((c) => c.args.slice(0, 4).join(' '))).toEqual([
      'check samples/cash',
      'run samples/cash --flow IssueCash',
      'run samples/cash --flow Pay',
      'run samples/cash --flow Balance',
      'run samples/cash --flow Balance',
      'run samples/cash --flow Pay',
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
    60_000,
  );
});
