/**
 * `flowc`: the Flows compiler's command line. Exit codes: 0 ok, 1 diagnostics with errors (or files that
 * `fmt --check` would change), 2 bad usage or unreadable input, with one line on stderr.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { InputError, packageRoot } from '../../../language/node/files.js';
import { checkCommand } from './check.js';
import { fmtCommand } from './fmt.js';
import { outlineCommand } from './outline.js';

export const EXIT_OK = 0;
export const EXIT_DIAGNOSTICS = 1;
export const EXIT_USAGE = 2;

function version(): string {
  const pkg = JSON.parse(readFileSync(`${packageRoot()}/package.json`, 'utf8')) as { version: string };
  return pkg.version;
}

export function buildProgram(): Command {
  const program = new Command('flowc')
    .description('The Flows compiler: check, format and compile .flow CorDapps.')
    .version(version(), '-v, --version', 'print the version')
    .showSuggestionAfterError()
    .exitOverride();

  program
    .command('check')
    .description('check .flow files (directories are searched recursively) and print diagnostics')
    .argument('<paths...>', '.flow files or directories')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--no-color', 'never colour the text output')
    .action(async (paths: string[], options: { format: 'text' | 'json'; color: boolean }) => {
      process.exitCode = await checkCommand(paths, options);
    });

  program
    .command('fmt')
    .description('rewrite .flow files in the canonical format')
    .argument('<paths...>', '.flow files or directories')
    .option('--check', 'change nothing; list the files that would change and exit 1 if any')
    .action(async (paths: string[], options: { check?: boolean }) => {
      process.exitCode = await fmtCommand(paths, { check: options.check ?? false });
    });

  program
    .command('outline')
    .description('print each CorDapp, its flows, their progress steps and where they suspend')
    .argument('<paths...>', '.flow files or directories')
    .action(async (paths: string[]) => {
      process.exitCode = await outlineCommand(paths);
    });

  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return Number(process.exitCode ?? EXIT_OK);
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander has already printed its message (help, version, or the usage error)
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (error instanceof InputError) {
      process.stderr.write(`flowc: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}

export function run(): void {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(
        `flowc: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = 70;
    },
  );
}
