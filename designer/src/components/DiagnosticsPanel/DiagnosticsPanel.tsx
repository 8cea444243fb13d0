/** The checker's diagnostics of every file; a click shows the place in the editor. */
import type { FileDiagnostic } from '../../../../language/index.js';

interface Props {
  diagnostics: readonly FileDiagnostic[];
  stale: boolean;
  onShow(diagnostic: FileDiagnostic): void;
}

export function DiagnosticsPanel({ diagnostics, stale, onShow }: Props) {
  return (
    <section className="panel diagnostics" data-testid="diagnostics">
      <h3>
        Problems <span className="count">{diagnostics.length}</span>
      </h3>
      {stale ? (
        <p className="note">The file does not parse: the graph shows its last version that did.</p>
      ) : null}
      {diagnostics.length === 0 ? <p className="ok">No problems.</p> : null}
      <ul>
        {diagnostics.map((d, i) => (
          <li key={i} className={`diag diag-${d.severity}`} data-code={d.code}>
            <button onClick={() => onShow(d)}>
              <span className="where">
                {d.file}:{d.range.line}:{d.range.column}
              </span>{' '}
              <span className="code">{d.code}</span> {d.message}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
