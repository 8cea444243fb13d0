/** The commands of samples/approval/README.md, run through the built flowc, give what the README says. */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanUp, ensureBuilt, readmeCommands, runAsWritten } from '../../../test/utils/readmeCommands.js';

const commands = readmeCommands(path.resolve(import.meta.dirname, '../README.md'));

beforeAll(ensureBuilt);
afterAll(cleanUp);

describe('samples/approval/README.md', () => {
  it('lists the commands to run', () => {
    expect(commands.map((c) => c.args.slice(0, 4).join(' '))).toEqual([
      'check samples/approval',
      'run samples/approval --flow RequestPurchase',
      'run samples/approval --flow RequestPurchase',
    ]);
  });

  it.concurrent.each(commands.map((c) => [c.line, c] as const))(
    'works as written: %s',
    async (_, command) => {
      await runAsWritten(command);
    },
  );
});
