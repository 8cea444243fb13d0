/** What to look at (a flow, or a conversation), saving, undo and redo, and export. */
export interface ViewChoice {
  key: string;
  label: string;
}

interface Props {
  views: ViewChoice[];
  current: string;
  canSave: boolean;
  status: string;
  onView(key: string): void;
  onSave(): void;
  onUndo(): void;
  onRedo(): void;
  onExport(kind: 'svg' | 'png'): void;
}

export function Toolbar({
  views,
  current,
  canSave,
  status,
  onView,
  onSave,
  onUndo,
  onRedo,
  onExport,
}: Props) {
  return (
    <header className="toolbar">
      <strong>Flows designer</strong>
      <label>
        View{' '}
        <select value={current} onChange={(e) => onView(e.target.value)} data-testid="view-select">
          {views.map((v) => (
            <option key={v.key} value={v.key}>
              {v.label}
            </option>
          ))}
        </select>
      </label>
      <button onClick={onSave} disabled={!canSave} data-testid="save">
        Save
      </button>
      <button onClick={onUndo} data-testid="undo">
        Undo
      </button>
      <button onClick={onRedo} data-testid="redo">
        Redo
      </button>
      <button onClick={() => onExport('svg')} data-testid="export-svg">
        Export SVG
      </button>
      <button onClick={() => onExport('png')} data-testid="export-png">
        Export PNG
      </button>
      <span className="status" data-testid="status">
        {status}
      </span>
    </header>
  );
}
