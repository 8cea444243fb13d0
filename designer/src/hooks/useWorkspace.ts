/** The CorDapp directory as `flowc design` serves it: files, layouts, library, host modules; and saving. */
import { useCallback, useEffect, useState } from 'react';
import { fetchWorkspace, saveFile, type WorkspacePayload } from '../api/client.js';

export interface WorkspaceState {
  payload?: WorkspacePayload;
  error?: string;
  save(path: string, text: string): Promise<void>;
}

export function useWorkspace(): WorkspaceState {
  const [payload, setPayload] = useState<WorkspacePayload>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    fetchWorkspace().then(setPayload, (e: unknown) => setError(String(e)));
  }, []);
  const save = useCallback((path: string, text: string) => saveFile(path, text), []);
  const state: WorkspaceState = { save };
  if (payload) state.payload = payload;
  if (error) state.error = error;
  return state;
}
