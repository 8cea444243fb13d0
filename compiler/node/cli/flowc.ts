/**
 * `flowc`: the Flows compiler's command line. Each command's module is loaded when the command runs, so
 * `--help` and `--version` do not pay for the parser, ts-morph or esbuild. Exit codes: 0 ok, 1 diagnostics with errors (or files that
 * `fmt --check` would change), 2 bad usage or unreadable input, with one line on stderr.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { InputError, packageRoot } from '../../../language/node/process.js';

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
      process.exitCode = await (await import('./check.js')).checkCommand(paths, options);
    });

  program
    .command('fmt')
    .description('rewrite .flow files in the canonical format')
    .argument('<paths...>', '.flow files or directories')
    .option('--check', 'change nothing; list the files that would change and exit 1 if any')
    .action(async (paths: string[], options: { check?: boolean }) => {
      process.exitCode = await (
        await import('./fmt.js')
      ).fmtCommand(paths, { check: options.check ?? false });
    });

  program
    .command('outline')
    .description('print each CorDapp, its flows, their progress steps and where they suspend')
    .argument('<paths...>', '.flow files or directories')
    .action(async (paths: string[]) => {
      process.exitCode = await (await import('./outline.js')).outlineCommand(paths);
    });

  program
    .command('build')
    .description(
      'check a CorDapp directory and build its bundle: NAME-VERSION.cordapp plus the unpacked view',
    )
    .argument('<dir>', 'the CorDapp directory')
    .requiredOption('-o, --out <dir>', 'where to write the bundle')
    .option('--sign <key>', 'sign the bundle with this Ed25519 private key (see flowc keygen)')
    .option('--timings', 'print the time of each phase')
    .action(async (dir: string, options: { out: string; sign?: string; timings?: boolean }) => {
      process.exitCode = await (await import('./build.js')).buildCommand(dir, options);
    });

  program
    .command('inspect')
    .description("print a bundle's manifest and verify its hashes and signature")
    .argument('<bundle>', 'a .cordapp file')
    .option('--require-signature', 'fail when the bundle is not signed')
    .option('--trust <key...>', 'accept only these signers (public key files or base64 SPKI keys)')
    .option('--json', 'print the result as JSON')
    .action(
      async (bundle: string, options: { requireSignature?: boolean; trust?: string[]; json?: boolean }) => {
        process.exitCode = (await import('./build.js')).inspectCommand(bundle, options);
      },
    );

  program
    .command('graph')
    .description("print a flow's graph: steps, transitions, sessions and progress groups")
    .argument('<file>', 'a .flow file')
    .requiredOption('--flow <name>', 'the flow to draw')
    .addOption(
      new Option('-f, --format <format>', 'output format')
        .choices(['json', 'mermaid', 'dot'])
        .default('json'),
    )
    .action(async (file: string, options: { flow: string; format: 'json' | 'mermaid' | 'dot' }) => {
      process.exitCode = await (await import('./graph.js')).graphCommand(file, options);
    });

  program
    .command('diff')
    .description(
      'tell whether flows waiting on OLD can continue on NEW, and whether NEW can talk to counterparts on OLD',
    )
    .argument('<old>', 'a .cordapp bundle or a CorDapp source directory')
    .argument('<new>', 'a .cordapp bundle or a CorDapp source directory')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (oldPath: string, newPath: string, options: { format: 'text' | 'json' }) => {
      process.exitCode = await (await import('./diff.js')).diffCommand(oldPath, newPath, options);
    });

  program
    .command('run')
    .description(
      'build a CorDapp in memory and run one flow on a mock network of nodes, showing its progress and result',
    )
    .argument('<dir>', 'the CorDapp directory')
    .requiredOption('--flow <name>', 'the flow to start')
    .requiredOption('--as <party>', 'the node that starts it')
    .option(
      '--arg <name=value>',
      'a parameter of the flow (repeat for each)',
      (v: string, all: string[] | undefined) => [...(all ?? []), v],
    )
    .option('--nodes <names>', 'the nodes to start, comma-separated (default: --as and every Party argument)')
    .option(
      '--store <dir>',
      "keep each node's checkpoints in DIR/NODE.sqlite (default: a temporary directory)",
    )
    .option('--answers <file>', 'answers to human input: a JSON object {"<prompt or flow name>": value}')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--timeout <duration>', 'give up when the flow has not ended after this long', '60s')
    .addHelpText(
      'after',
      `
Arguments are read by the parameter's type: Int 42, Decimal 12.5, Bool true, String hello, Party Bob (a node
name), Duration 5s (ms, s, m, h, d), Instant 2025-01-31T12:00:00Z, Amount '100 USD', an enum member by name;
lists and records as JSON (inside JSON a Duration is milliseconds, an Amount {"quantity": 100, "currency": "USD"}).

--answers FILE is a JSON object; each key is the prompt as the flow asks it (interpolated, e.g. "Approve 5?") or
the name of the flow that asks, and its value is the answer (a prompt key wins). Without --answers, questions are
asked at the terminal; when standard input is not a terminal the run fails.

Prints the progress tree on stderr, then "Result: <JSON>" on stdout; --format json prints one JSON document
{"status", "result", "error", "progress"}. Exit 0 done; 1 failed, hospitalized, timed out, unanswered input or
build errors; 2 bad usage.

Example: flowc run test/runtime/cordapps/pingpong --flow Ping --as Alice --arg peer=Bob --arg start=0`,
    )
    .action(async (dir: string, options: import('./run.js').RunOptions) => {
      process.exitCode = await (await import('./run.js')).runCommand(dir, options);
    });

  program
    .command('lsp')
    .description('run the language server (Language Server Protocol) for editors')
    .option('--stdio', 'talk over standard input and output (the only transport)')
    .action(async (options: { stdio?: boolean }) => {
      process.exitCode = await (await import('./lsp.js')).lspCommand(options);
    });

  program
    .command('design')
    .description('serve the browser designer for a CorDapp directory on 127.0.0.1 and print its URL')
    .argument('<dir>', 'the CorDapp directory')
    .option('-p, --port <port>', 'the port (default: a free one)')
    .option('--no-open', 'do not open a browser')
    .action(async (dir: string, options: import('./design.js').DesignOptions) => {
      process.exitCode = await (await import('./design.js')).designCommand(dir, options);
    });

  program
    .command('keygen')
    .description('create an Ed25519 key pair for signing bundles: NAME.key and NAME.pub')
    .requiredOption('-o, --out <name>', 'path and base name of the key files')
    .option('--force', 'replace existing key files')
    .action(async (options: { out: string; force?: boolean }) => {
      process.exitCode = (await import('./build.js')).keygenCommand(options);
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
