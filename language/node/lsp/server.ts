/**
 * `flowc lsp --stdio`: the language server. It speaks LSP over a connection, keeps a `Project` of the open
 * documents' CorDapps, and answers each request with a pure service from `language/services/`.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  ErrorCodes,
  LSPErrorCodes,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
  type CompletionItemKind,
  type Connection,
  type DocumentSymbol as LspDocumentSymbol,
  type SymbolKind,
  type InitializeParams,
  type InitializeResult,
  type Location,
  type Position,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic } from '../../diagnostics.js';
import {
  codeActions,
  complete,
  definition,
  documentSymbols,
  formatDocument,
  highlights,
  hover,
  prepareRename,
  references,
  rename,
  SEMANTIC_TOKENS_LEGEND,
  semanticTokens,
  ServiceError,
  toLspDiagnostics,
  type FileIndex,
  type FileRange,
} from '../../services/index.js';
import { DiagnosticsScheduler } from './diagnostics.js';
import { onDisk } from './paths.js';
import { Project } from './project.js';
import { toPosix } from './paths.js';

export interface ServerOptions {
  /** Milliseconds between a change and its diagnostics (default 10; `initializationOptions.diagnosticDelay`). */
  diagnosticDelay?: number;
}

export function startServer(connection: Connection, options: ServerOptions = {}): void {
  const project = new Project();
  const documents = new TextDocuments(TextDocument);
  const uris = new Map<string, string>();

  const pathOf = (uri: string): string => (uri.startsWith('file:') ? toPosix(fileURLToPath(uri)) : uri);
  const uriOf = (file: string): string => uris.get(file) ?? pathToFileURL(onDisk(file)).href;
  const location = (place: FileRange): Location => ({ uri: uriOf(place.file), range: place.range });

  let scheduler: DiagnosticsScheduler | undefined;
  const publish = (file: string, diagnostics: readonly Diagnostic[]): void => {
    const uri = uriOf(file);
    const version = documents.get(uri)?.version;
    void connection.sendDiagnostics({
      uri,
      ...(version === undefined ? {} : { version }),
      diagnostics: toLspDiagnostics(diagnostics, file).map(({ relatedInformation, ...d }) =>
        relatedInformation
          ? {
              ...d,
              relatedInformation: relatedInformation.map((r) => ({
                location: location(r.location),
                message: r.message,
              })),
            }
          : d,
      ),
    });
  };

  /** The indexed file a request is about: open, or a `.flow` file on disk; anything else is an error response. */
  async function fileOf(params: unknown): Promise<FileIndex> {
    const uri = (params as { textDocument?: { uri?: unknown } } | undefined)?.textDocument?.uri;
    if (typeof uri !== 'string')
      throw new ResponseError(ErrorCodes.InvalidParams, 'The request has no textDocument.uri.');
    const file = pathOf(uri);
    if (!documents.get(uri) && !project.knows(file)) {
      if (!file.endsWith('.flow') || !existsSync(file)) {
        throw new ResponseError(
          ErrorCodes.InvalidParams,
          `Unknown document "${uri}": it is not open and no such .flow file exists.`,
        );
      }
      project.loadDirectory(file.slice(0, file.lastIndexOf('/')));
    }
    await project.ready();
    return project.index(file);
  }

  function offsetOf(index: FileIndex, params: unknown): number {
    const position = (params as { position?: Partial<Position> } | undefined)?.position;
    if (!position || !Number.isInteger(position.line) || !Number.isInteger(position.character)) {
      throw new ResponseError(
        ErrorCodes.InvalidParams,
        'The request has no valid position {line, character}.',
      );
    }
    return index.lines.offsetAt(position as Position);
  }

  /** Services say why they refuse with a `ServiceError`: the client gets it as a failed request. */
  function refusing<T>(fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      if (error instanceof ServiceError) throw new ResponseError(LSPErrorCodes.RequestFailed, error.message);
      throw error;
    }
  }

  const hostDoc = {
    hostDoc: (symbol: { module: string; name: string }, file: string) =>
      project.hostSource?.declaration(file, symbol.module, symbol.name)?.doc,
  };
  const hostLocation = {
    hostLocation: (symbol: { module: string; name: string }, file: string) =>
      project.hostSource?.declaration(file, symbol.module, symbol.name)?.location,
  };

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const init = (params.initializationOptions ?? {}) as { diagnosticDelay?: unknown };
    const delay =
      typeof init.diagnosticDelay === 'number' ? init.diagnosticDelay : (options.diagnosticDelay ?? 10);
    scheduler = new DiagnosticsScheduler(
      project,
      publish,
      { delay, siblingDelay: Math.max(150, delay) },
      (error) =>
        connection.console.error(
          `flowc lsp: diagnostics failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        ),
    );
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        completionProvider: { triggerCharacters: ['.', '@'] },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        documentHighlightProvider: true,
        renameProvider: { prepareProvider: true },
        documentSymbolProvider: true,
        documentFormattingProvider: true,
        semanticTokensProvider: { legend: SEMANTIC_TOKENS_LEGEND, full: true },
        codeActionProvider: { codeActionKinds: ['quickfix'] },
        workspace: { workspaceFolders: { supported: true } },
      },
      serverInfo: { name: 'flowc lsp' },
    };
  });

  documents.onDidChangeContent(({ document }) => {
    const file = pathOf(document.uri);
    uris.set(file, document.uri);
    project.setOpen(file, document.getText());
    scheduler?.changed(file);
  });
  documents.onDidClose(({ document }) => {
    const file = pathOf(document.uri);
    project.close(file);
    uris.delete(file);
    scheduler?.changed(file);
  });

  connection.onDidChangeWatchedFiles(({ changes }) => {
    for (const change of changes) {
      const file = pathOf(change.uri);
      if (file.endsWith('.flow')) project.diskChanged(file);
      else project.hostModuleChanged();
    }
    scheduler?.all();
  });

  connection.onHover(async (params) => {
    const index = await fileOf(params);
    const result = hover(index, offsetOf(index, params), hostDoc);
    return result ? { contents: { kind: 'markdown', value: result.contents }, range: result.range } : null;
  });

  connection.onCompletion(async (params) => {
    const index = await fileOf(params);
    const items = complete(index, offsetOf(index, params), {
      exportsOf: (source, file) => project.exportsOf(source, file),
    });
    return items.map((i) => ({
      ...i,
      kind: i.kind as CompletionItemKind,
      ...(i.documentation ? { documentation: { kind: 'markdown' as const, value: i.documentation } } : {}),
    }));
  });

  connection.onDefinition(async (params) => {
    const index = await fileOf(params);
    return definition(index, offsetOf(index, params), hostLocation).map(location);
  });

  connection.onReferences(async (params) => {
    const index = await fileOf(params);
    const offset = offsetOf(index, params);
    return references(index, offset, project.allIndexes(), params.context?.includeDeclaration ?? true).map(
      location,
    );
  });

  connection.onDocumentHighlight(async (params) => {
    const index = await fileOf(params);
    return highlights(index, offsetOf(index, params)).map((h) => ({ range: h.range, kind: h.write ? 3 : 2 }));
  });

  connection.onPrepareRename(async (params) => {
    const index = await fileOf(params);
    return refusing(() => prepareRename(index, offsetOf(index, params)));
  });

  connection.onRenameRequest(async (params) => {
    const index = await fileOf(params);
    if (typeof params.newName !== 'string')
      throw new ResponseError(ErrorCodes.InvalidParams, 'The request has no newName.');
    const edits = refusing(() =>
      rename(index, offsetOf(index, params), params.newName, project.allIndexes()),
    );
    return { changes: Object.fromEntries(Object.entries(edits).map(([file, list]) => [uriOf(file), list])) };
  });

  connection.onDocumentSymbol(async (params) => {
    type Symbols = ReturnType<typeof documentSymbols>;
    const lsp = (symbols: Symbols): LspDocumentSymbol[] =>
      symbols.map(({ children, ...s }) => ({
        ...s,
        kind: s.kind as SymbolKind,
        ...(children ? { children: lsp(children) } : {}),
      }));
    return lsp(documentSymbols((await fileOf(params)).result.document));
  });

  connection.onDocumentFormatting(async (params) => {
    const index = await fileOf(params);
    return refusing(() => formatDocument(index.text));
  });

  connection.languages.semanticTokens.on(async (params) => ({ data: semanticTokens(await fileOf(params)) }));

  connection.onCodeAction(async (params) => {
    const index = await fileOf(params);
    const diagnostics = Array.isArray(params.context?.diagnostics) ? params.context.diagnostics : [];
    const actions = codeActions(
      index,
      diagnostics.map((d) => ({
        range: d.range,
        message: typeof d.message === 'string' ? d.message : d.message.value,
        ...(d.code === undefined ? {} : { code: d.code }),
      })),
      { importCandidates: (file) => project.importCandidates(file) },
    );
    return actions.map((action) => ({
      title: action.title,
      kind: action.kind,
      diagnostics: [diagnostics.find((d) => d.range === action.diagnostic.range) ?? action.diagnostic],
      edit: { changes: { [params.textDocument.uri]: action.edits } },
      ...(action.isPreferred ? { isPreferred: true } : {}),
    }));
  });

  connection.onShutdown(() => scheduler?.dispose());
  documents.listen(connection);
  connection.listen();
}
