/**
 * Text to model, debounced: the CorDapp's files are checked (with the library and the host modules the server
 * read), the protocol programs indexed, and each file's last document that parsed kept, so an unparsable file
 * keeps showing its last good graph beside its errors.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Document, FileCheckResult, FileDiagnostic } from '../../../language/index.js';
import { fetchHostModule, type WorkspacePayload } from '../api/client.js';
import { BrowserChecker, HostModuleCache } from '../model/checking.js';
import { indexPrograms, type ProgramIndex } from '../model/conversation.js';

export interface Analysis {
  /** The texts this analysis is of. */
  texts: Record<string, string>;
  results: FileCheckResult[];
  diagnostics: FileDiagnostic[];
  index: ProgramIndex;
  /** Per file, the last document without syntax errors, and whether the text now has some. */
  documents: Record<string, { document: Document; stale: boolean }>;
  /** Milliseconds the check and the model took. */
  millis: number;
}

const DEBOUNCE_MS = 120;

export function useAnalysis(
  payload: WorkspacePayload | undefined,
  texts: Record<string, string>,
): Analysis | undefined {
  const checker = useMemo(() => {
    if (!payload) return undefined;
    const hosts = new HostModuleCache();
    for (const h of payload.hostModules) hosts.set(h.from, h.spec, h.result);
    return new BrowserChecker(payload.library, hosts);
  }, [payload]);
  const [analysis, setAnalysis] = useState<Analysis>();
  const [hostsVersion, setHostsVersion] = useState(0);
  const lastGood = useRef<Record<string, Document>>({});

  useEffect(() => {
    if (!checker) return;
    const timer = setTimeout(() => {
      const start = performance.now();
      const files = Object.entries(texts).map(([path, text]) => ({ path, text }));
      const output = checker.check(files);
      const documents: Analysis['documents'] = {};
      for (const result of output.results) {
        if (!(result.path in texts)) continue;
        const broken = result.diagnostics.some((d) => d.code === 'syntax-error');
        if (!broken) lastGood.current[result.path] = result.document;
        const good = lastGood.current[result.path] ?? result.document;
        documents[result.path] = { document: good, stale: broken };
      }
      const index = indexPrograms(output.results);
      setAnalysis({ texts, ...output, index, documents, millis: performance.now() - start });
      // imports typed here name host modules the server has not read yet: fetch them and check again
      const missing = [...checker.hostModules.missing];
      if (missing.length) {
        void Promise.all(
          missing.map(async (key) => {
            const [from, spec] = key.split('\n') as [string, string];
            checker.hostModules.set(from, spec, await fetchHostModule(from, spec));
          }),
        ).then(
          () => setHostsVersion((v) => v + 1),
          (error: unknown) => console.error('cannot read host modules', error),
        );
      }
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [checker, texts, hostsVersion]);
  return analysis;
}
