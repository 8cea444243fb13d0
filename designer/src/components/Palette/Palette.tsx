/** Graph edits: add a step after the selected one (or at the end of the flow), delete, move up or down. */
interface Props {
  enabled: boolean;
  hasSelection: boolean;
  onAdd(kind: 'send' | 'receive' | 'require' | 'sleep'): void;
  onDelete(): void;
  onMove(direction: -1 | 1): void;
}

export function Palette({ enabled, hasSelection, onAdd, onDelete, onMove }: Props) {
  return (
    <div className="palette" data-testid="palette">
      <span className="title">Add</span>
      <button disabled={!enabled} onClick={() => onAdd('send')} data-testid="add-send">
        send
      </button>
      <button disabled={!enabled} onClick={() => onAdd('receive')} data-testid="add-receive">
        receive
      </button>
      <button disabled={!enabled} onClick={() => onAdd('require')} data-testid="add-require">
        require
      </button>
      <button disabled={!enabled} onClick={() => onAdd('sleep')} data-testid="add-sleep">
        sleep
      </button>
      <span className="title">Selected</span>
      <button disabled={!enabled || !hasSelection} onClick={onDelete} data-testid="delete">
        delete
      </button>
      <button disabled={!enabled || !hasSelection} onClick={() => onMove(-1)} data-testid="move-up">
        ↑
      </button>
      <button disabled={!enabled || !hasSelection} onClick={() => onMove(1)} data-testid="move-down">
        ↓
      </button>
    </div>
  );
}
