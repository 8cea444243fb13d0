/**
 * The Flows extension: starts `flowc lsp --stdio` for `.flow` files and lets vscode-languageclient do the rest.
 * The server finds each document's CorDapp itself (the `.flow` files of its directory).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { workspace, window, type ExtensionContext } from 'vscode';
import { LanguageClient, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

/** The configured flowc, else the workspace's own (`npm install` of the project), else the one on the PATH. */
function flowcCommand(): string {
  const configured = workspace.getConfiguration('flows').get<string>('server.path', '').trim();
  if (configured) return configured;
  const executable = process.platform === 'win32' ? 'flowc.cmd' : 'flowc';
  for (const folder of workspace.workspaceFolders ?? []) {
    const local = path.join(folder.uri.fsPath, 'node_modules', '.bin', executable);
    if (existsSync(local)) return local;
    const own = path.join(folder.uri.fsPath, 'bin', 'flowc.js');
    if (existsSync(own)) return own;
  }
  return executable;
}

export async function activate(context: ExtensionContext): Promise<void> {
  const command = flowcCommand();
  // a .js file (the Flows repository's own bin/flowc.js) runs under the Node.js that runs VS Code's extensions
  const serverOptions: ServerOptions = command.endsWith('.js')
    ? {
        command: process.execPath,
        args: [command, 'lsp', '--stdio'],
        options: { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } },
      }
    : { command, args: ['lsp', '--stdio'], options: { shell: process.platform === 'win32' } };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'flow' },
      { scheme: 'untitled', language: 'flow' },
    ],
    synchronize: { fileEvents: workspace.createFileSystemWatcher('**/*.{flow,ts}') },
    initializationOptions: {
      diagnosticDelay: workspace.getConfiguration('flows').get<number>('diagnostics.delay', 10),
    },
    outputChannelName: 'Flows',
  };
  client = new LanguageClient('flows', 'Flows language server', serverOptions, clientOptions);
  try {
    await client.start();
  } catch (error) {
    void window.showErrorMessage(
      `Flows: could not start "${command} lsp --stdio" (${error instanceof Error ? error.message : String(error)}). Set "flows.server.path" to your flowc.`,
    );
  }
  context.subscriptions.push({ dispose: () => void client?.stop() });
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
