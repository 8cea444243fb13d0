/** The flow library (runtime/library) checks clean, protocol checker included, and the checker does follow it. */
import { describe, expect, it } from 'vitest';
import { libraryFiles, workspaceFor } from '../../language/node/files.js';

describe('the flow library', () => {
  it('checks without a diagnostic', async () => {
    const workspace = await workspaceFor(libraryFiles());
    const diagnostics = workspace
      .check()
      .flatMap((r) => r.diagnostics.map((d) => `${r.path}:${d.range.line}: ${d.message}`));
    expect(diagnostics).toEqual([]);
  });

  it('has its notary conversation checked: a notary answering with the wrong type is a protocol error', async () => {
    const files = libraryFiles().map((f) =>
      f.path.endsWith('finality.flow')
        ? { ...f, text: f.text.replace('send notarise(stx) to session', 'send "notarised" to session') }
        : f,
    );
    expect(files.find((f) => f.path.endsWith('finality.flow'))!.text).toContain(
      'send "notarised" to session',
    );
    const workspace = await workspaceFor(files);
    const messages = workspace.check().flatMap((r) => r.diagnostics.map((d) => d.message));
    expect(
      messages.some((m) =>
        m.includes('NotaryClient expects NotaryAnswer here, but NotaryService sends String'),
      ),
    ).toBe(true);
  });
});
