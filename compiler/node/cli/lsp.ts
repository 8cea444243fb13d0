/** `flowc lsp --stdio`: runs the language server on standard input and output until the client says exit. */
import { createConnection } from 'vscode-languageserver/node';
import { InputError } from '../../../language/node/process.js';
import { startServer } from '../../../language/node/lsp/server.js';

export function lspCommand(options: { stdio?: boolean }): Promise<number> {
  if (!options.stdio)
    throw new InputError('flowc lsp speaks only over standard input and output: add --stdio');
  const connection = createConnection(process.stdin, process.stdout);
  startServer(connection);
  // the connection ends the process on the client's `exit` notification (and when standard input closes)
  return new Promise<number>(() => {});
}
