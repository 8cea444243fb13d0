/** The commands of samples/iou/README.md, run in order through the built flowc, give what the README says. */
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

describe('samples/iou/README.md', () => {
  it('lists the commands to run', () => {
    expect(commands.map((c) => c.args.slice(0, 4).join(' '))).toEqual([
      'check samples/iou',
      'run samples/iou --flow IssueCash',
      'run samples/iou --flow IssueIou',
      'run samples/iou --flow SettleIou',
      'run samples/iou --flow SettleIou',
      'run samples/iou --flow IssueIou',
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
