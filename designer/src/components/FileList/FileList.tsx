/** The CorDapp's `.flow` files; a dot marks unsaved changes. */
interface Props {
  name: string;
  files: string[];
  current?: string;
  dirty: ReadonlySet<string>;
  onOpen(path: string): void;
}

export function FileList({ name, files, current, dirty, onOpen }: Props) {
  return (
    <nav className="files" aria-label="Files">
      <h2>{name}</h2>
      <ul>
        {files.map((path) => (
          <li key={path}>
            <button
              className={path === current ? 'current' : ''}
              onClick={() => onOpen(path)}
              data-file={path}
            >
              {path}
              {dirty.has(path) ? ' ●' : ''}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
