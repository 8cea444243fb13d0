/**
 * A real LSP client for tests and the benchmark: starts `node bin/flowc.js lsp --stdio` (the build) as a child
 * process and speaks JSON-RPC to it through vscode-languageserver-protocol.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';

export const ROOT = path.resolve(import.meta.dirname, '../../../..');

export function uriOf(file: string): string {
  return pathToFileURL(path.resolve(file)).href;
}

export class LspClient {
  readonly connection: MessageConnection;
  /** The latest diagnostics by URI. */
  readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  private waiters: {
    test: (p: PublishDiagnosticsParams) => boolean;
    resolve: (p: PublishDiagnosticsParams) => void;
  }[] = [];
  stderr = '';
  private readonly versions = new Map<string, number>();
  /** The text last sent for each URI. */
  readonly lastText = new Map<string, string>();

  private constructor(readonly child: ChildProcess) {
    this.connection = createMessageConnection(
      new StreamMessageReader(child.stdout!),
      new StreamMessageWriter(child.stdin!),
    );
    child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      this.diagnostics.set(params.uri, params);
      this.waiters = this.waiters.filter((w) => {
        if (!w.test(params)) return true;
        w.resolve(params);
        return false;
      });
    });
    this.connection.onRequest('workspace/configuration', () => []);
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.listen();
  }

  static async start(initializationOptions: Record<string, unknown> = {}): Promise<LspClient> {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/flowc.js'), 'lsp', '--stdio'], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const client = new LspClient(child);
    await client.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(ROOT).href,
      capabilities: {},
      initializationOptions,
      workspaceFolders: null,
    });
    await client.connection.sendNotification('initialized', {});
    return client;
  }

  /** Resolves with the next diagnostics for `uri` that pass `test` (those already received do not count). */
  nextDiagnostics(
    uri: string,
    test: (p: PublishDiagnosticsParams) => boolean = () => true,
  ): Promise<PublishDiagnosticsParams> {
    return new Promise((resolve) => this.waiters.push({ test: (p) => p.uri === uri && test(p), resolve }));
  }

  async open(file: string, text: string): Promise<PublishDiagnosticsParams> {
    const uri = uriOf(file);
    this.versions.set(uri, 1);
    this.lastText.set(uri, text);
    const published = this.nextDiagnostics(uri, (p) => p.version === 1);
    await this.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'flow', version: 1, text },
    });
    return published;
  }

  /** Replaces the whole text; resolves when the diagnostics of the new version arrive. */
  async change(file: string, text: string): Promise<PublishDiagnosticsParams> {
    const uri = uriOf(file);
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    this.lastText.set(uri, text);
    const published = this.nextDiagnostics(uri, (p) => p.version === version);
    await this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ text }],
    });
    return published;
  }

  async close(file: string): Promise<void> {
    await this.connection.sendNotification('textDocument/didClose', { textDocument: { uri: uriOf(file) } });
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  /** Asks the server to shut down and exit; resolves with its exit code. */
  async stop(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => {
      if (this.child.exitCode !== null) resolve(this.child.exitCode);
      else this.child.once('exit', (code) => resolve(code));
    });
    try {
      await this.connection.sendRequest('shutdown');
      await this.connection.sendNotification('exit');
    } catch {
      this.child.kill();
    }
    const code = await exited;
    this.connection.dispose();
    return code;
  }
}
