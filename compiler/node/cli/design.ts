/** `flowc design DIR [--port N] [--no-open]`: serves the browser designer on 127.0.0.1 for one CorDapp directory. */
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { InputError } from '../../../language/node/files.js';
import { startDesignServer } from '../../../designer/node/server.js';

export interface DesignOptions {
  port?: string;
  open: boolean;
}

export async function designCommand(dir: string, options: DesignOptions): Promise<number> {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    // reported below
  }
  if (!isDir) throw new InputError(`"${dir}" is not a directory`);
  const port = options.port === undefined ? 0 : Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new InputError(`--port ${options.port}: not a port number (0 to 65535)`);
  let server;
  try {
    server = await startDesignServer({ dir, port });
  } catch (error) {
    throw new InputError(`cannot start the designer: ${(error as Error).message}`);
  }
  process.stdout.write(`Designing ${dir} at ${server.url} (Ctrl-C to stop)\n`);
  if (options.open) openBrowser(server.url);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      void server.close().then(resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}

/** Best effort: a machine without a browser still has the URL on stdout. */
function openBrowser(url: string): void {
  const command =
    process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    const child = spawn(command, [url], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // no opener: the URL is printed
  }
}
