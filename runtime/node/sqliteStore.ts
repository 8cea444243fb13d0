/**
 * The embedded `CheckpointStore`: one SQLite file per node, on better-sqlite3 12 (13 needs Node 22).
 *
 * Every record is kept whole as JSON in a `data` column, as the memory store keeps it; the few fields the queries
 * select on (a flow's status, what it waits for, its deadline, its parent; a session's owner) are copied into
 * columns beside it so that every read of the interface is an index lookup, even with a million suspended flows.
 * `commit` serialises the whole `WriteSet` first, then applies it in one transaction with statements prepared once.
 *
 * Durability: the database runs in WAL mode with `synchronous = NORMAL`. A commit is then durable as soon as its
 * frames are in the WAL file, which survives the process dying at any point (the failure model of the runtime: a
 * crashed or killed node restarts from what it committed). Only a power loss or an OS crash can lose the last
 * commits before the next WAL checkpoint (never corrupt the database). `{ synchronous: 'full' }` fsyncs the WAL at
 * every commit, for a node that must keep every commit across a power loss too, at the cost of one fsync per commit.
 *
 * The schema is versioned: `MIGRATIONS` is applied in order, each in its own transaction, and `PRAGMA user_version`
 * records how many were applied. A database written by a newer version of Flows is refused.
 */
import Database from 'better-sqlite3';
import type { VaultState } from '../ledger/services.js';
import type { SignedTransaction } from '../ledger/types.js';
import {
  isEmptyWriteSet,
  matchesVaultQuery,
  flowRecordText,
  readFlowRecord,
  zeroCounts,
  type CheckpointStore,
  type FlowQuery,
  type FlowRecord,
  type FlowStatus,
  type HistoryRecord,
  type InstalledBundle,
  type OutboxMessage,
  type ProgressRecord,
  type QueuedEvent,
  type SessionRecord,
  type StoreVaultQuery,
  type WriteSet,
} from '../store.js';

export interface SqliteStoreOptions {
  /**
   * `normal` (the default) is durable against process crashes; `full` also against power loss and OS crashes,
   * with one fsync per commit.
   */
  synchronous?: 'normal' | 'full';
  /** How long a statement waits for another connection's lock before failing with SQLITE_BUSY. Default 5000 ms. */
  busyTimeoutMs?: number;
}

export interface Migration {
  /** The `user_version` the database has once this migration is applied. */
  version: number;
  description: string;
  sql: string;
}

/**
 * The schema, as the ordered steps that build it. A released migration never changes: a change of schema is a new
 * migration at the end.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'the tables, with the indexes for sub-flows and for the sessions of a flow',
    sql: `
      CREATE TABLE flows (
        id TEXT PRIMARY KEY,
        root TEXT NOT NULL,
        parent TEXT,
        status TEXT NOT NULL,
        wait_type TEXT,
        wait_session TEXT,
        deadline INTEGER,
        created_at INTEGER NOT NULL,
        data TEXT NOT NULL
      );
      CREATE INDEX flows_by_parent ON flows (parent, created_at, id) WHERE parent IS NOT NULL;
      CREATE TABLE sessions (id TEXT PRIMARY KEY, owner TEXT, data TEXT NOT NULL);
      CREATE INDEX sessions_by_owner ON sessions (owner) WHERE owner IS NOT NULL;
      CREATE TABLE events (id INTEGER PRIMARY KEY, flow TEXT NOT NULL, data TEXT NOT NULL);
      CREATE TABLE outbox (id TEXT PRIMARY KEY, data TEXT NOT NULL);
      CREATE TABLE progress (
        flow TEXT NOT NULL,
        idx INTEGER NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (flow, idx)
      ) WITHOUT ROWID;
      CREATE TABLE bundles (
        hash TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        version TEXT NOT NULL,
        text TEXT NOT NULL,
        installed_at INTEGER NOT NULL
      );
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    description:
      'indexes for the waiting flows (receivers by session, deadlines, waits by type) and by status',
    sql: `
      CREATE INDEX flows_receiving ON flows (wait_session)
        WHERE status = 'waiting' AND wait_type = 'flow.receive';
      CREATE INDEX flows_by_deadline ON flows (deadline) WHERE status = 'waiting' AND deadline IS NOT NULL;
      CREATE INDEX flows_waiting ON flows (wait_type) WHERE status = 'waiting';
      CREATE INDEX flows_by_status ON flows (status);
    `,
  },
  {
    version: 3,
    description:
      "each flow's step history, and an index for the sessions that hold an initial message for a flow not installed",
    sql: `
      CREATE TABLE history (
        flow TEXT NOT NULL,
        idx INTEGER NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (flow, idx)
      ) WITHOUT ROWID;
      CREATE INDEX sessions_pending_init ON sessions (id) WHERE owner IS NULL;
    `,
  },
  {
    version: 4,
    description: "the ledger: transactions, the vault with its soft locks, and a notary's committed inputs",
    sql: `
      CREATE TABLE transactions (id TEXT PRIMARY KEY, data TEXT NOT NULL);
      CREATE TABLE vault (
        ref TEXT PRIMARY KEY,
        contract TEXT NOT NULL,
        consumed_by TEXT,
        locked_by TEXT,
        data TEXT NOT NULL
      );
      CREATE INDEX vault_unconsumed ON vault (contract) WHERE consumed_by IS NULL;
      CREATE INDEX vault_locks ON vault (locked_by) WHERE locked_by IS NOT NULL;
      CREATE TABLE notary_commits (ref TEXT PRIMARY KEY, tx TEXT NOT NULL) WITHOUT ROWID;
    `,
  },
];

/** The schema version this code writes: the last migration's. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/**
 * The SQL of the store's reads, exported for the tests that check their query plans. Orders that the memory store
 * gives by insertion order are `rowid` order here: an upsert keeps a row's rowid, and a new row's is the largest.
 *
 * Without statistics (a node never runs ANALYZE) the planner prefers the index on `status` to the partial indexes
 * on waiting flows, which reads every waiting flow; the queries on waiting flows name their index (INDEXED BY).
 */
export const QUERIES = {
  getFlow: 'SELECT data FROM flows WHERE id = ?',
  historyOf: 'SELECT data FROM history WHERE flow = ? ORDER BY idx',
  pendingInits:
    'SELECT data FROM sessions INDEXED BY sessions_pending_init WHERE owner IS NULL ORDER BY rowid',
  countFlows: 'SELECT status, count(*) AS n FROM flows GROUP BY status',
  getSession: 'SELECT data FROM sessions WHERE id = ?',
  sessionsOf: 'SELECT data FROM sessions WHERE owner = ? ORDER BY rowid',
  flowReceivingOn:
    'SELECT id FROM flows INDEXED BY flows_receiving ' +
    "WHERE status = 'waiting' AND wait_type = 'flow.receive' AND wait_session = ? " +
    'ORDER BY rowid LIMIT 1',
  pendingEvents: 'SELECT data FROM events ORDER BY id',
  outbox: 'SELECT data FROM outbox ORDER BY rowid',
  nextDeadline:
    "SELECT min(deadline) FROM flows INDEXED BY flows_by_deadline WHERE status = 'waiting' AND deadline IS NOT NULL",
  dueFlows:
    'SELECT id, data FROM flows INDEXED BY flows_by_deadline ' +
    "WHERE status = 'waiting' AND deadline IS NOT NULL AND deadline <= ? ORDER BY deadline, rowid LIMIT ?",
  progressOf: 'SELECT data FROM progress WHERE flow = ? ORDER BY idx',
  childrenOf: 'SELECT id, data FROM flows WHERE parent = ? ORDER BY created_at, id',
  bundles: 'SELECT hash, name, version, text, installed_at AS installedAt FROM bundles ORDER BY rowid',
  getMeta: 'SELECT value FROM meta WHERE key = ?',
  getTransaction: 'SELECT data FROM transactions WHERE id = ?',
  getVaultState: 'SELECT data FROM vault WHERE ref = ?',
  lockedBy: 'SELECT data FROM vault INDEXED BY vault_locks WHERE locked_by = ? ORDER BY rowid',
  notaryCommit: 'SELECT tx FROM notary_commits WHERE ref = ?',
} as const;

const WRITES = {
  upsertFlow:
    'INSERT INTO flows (id, root, parent, status, wait_type, wait_session, deadline, created_at, data) ' +
    'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET root = excluded.root, ' +
    'parent = excluded.parent, status = excluded.status, wait_type = excluded.wait_type, ' +
    'wait_session = excluded.wait_session, deadline = excluded.deadline, created_at = excluded.created_at, ' +
    'data = excluded.data',
  // a checkpoint whose indexed columns did not change (most steps): only `data` is written, no index is touched
  updateFlowData:
    'UPDATE flows SET data = ? WHERE id = ? AND status = ? AND wait_type IS ? AND wait_session IS ? AND deadline IS ? ' +
    'AND root = ? AND parent IS ? AND created_at = ?',
  upsertSession:
    'INSERT INTO sessions (id, owner, data) VALUES (?, ?, ?) ' +
    'ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, data = excluded.data',
  deleteEvent: 'DELETE FROM events WHERE id = ?',
  upsertEvent:
    'INSERT INTO events (id, flow, data) VALUES (?, ?, ?) ' +
    'ON CONFLICT (id) DO UPDATE SET flow = excluded.flow, data = excluded.data',
  deleteOutbox: 'DELETE FROM outbox WHERE id = ?',
  upsertOutbox:
    'INSERT INTO outbox (id, data) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET data = excluded.data',
  insertProgress: 'INSERT INTO progress (flow, idx, data) VALUES (?, ?, ?)',
  insertHistory: 'INSERT OR REPLACE INTO history (flow, idx, data) VALUES (?, ?, ?)',
  deleteBundle: 'DELETE FROM bundles WHERE hash = ?',
  insertBundle:
    'INSERT INTO bundles (hash, name, version, text, installed_at) VALUES (?, ?, ?, ?, ?) ' +
    'ON CONFLICT (hash) DO NOTHING',
  upsertTransaction: 'INSERT OR IGNORE INTO transactions (id, data) VALUES (?, ?)',
  upsertVault:
    'INSERT INTO vault (ref, contract, consumed_by, locked_by, data) VALUES (?, ?, ?, ?, ?) ' +
    'ON CONFLICT (ref) DO UPDATE SET consumed_by = excluded.consumed_by, locked_by = excluded.locked_by, data = excluded.data',
  insertNotaryCommit: 'INSERT OR IGNORE INTO notary_commits (ref, tx) VALUES (?, ?)',
  upsertMeta:
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
} as const;

/** The `listFlows` query for a filter: the statuses, top-level, waiting and limit conditions, in rowid order. */
export function listFlowsSql(query: FlowQuery): { sql: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (query.status !== undefined) {
    const statuses: readonly FlowStatus[] = typeof query.status === 'string' ? [query.status] : query.status;
    if (statuses.length === 0) where.push('0');
    else if (statuses.length === 1) where.push('status = ?');
    else where.push(`status IN (${statuses.map(() => '?').join(', ')})`);
    params.push(...statuses);
  }
  if (query.topLevel) where.push('parent IS NULL');
  // rare (uninstalling a version): read from the record rather than indexed
  if (query.bundle !== undefined) {
    where.push("json_extract(data, '$.bundle') = ?");
    params.push(query.bundle);
  }
  // a literal 'waiting', so that the partial index on waiting flows applies; named, as in `QUERIES`
  if (query.waiting) {
    where.push("status = 'waiting' AND wait_type = ?");
    params.push(query.waiting);
  }
  let sql = `SELECT id, data FROM flows${query.waiting ? ' INDEXED BY flows_waiting' : ''}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY rowid`;
  if (query.limit !== undefined) {
    sql += ' LIMIT ?';
    params.push(Math.max(0, query.limit));
  }
  return { sql, params };
}

/**
 * The `queryVault` query: the contract, consumption, cursor, exceptions, soft locks and equality on plain fields of the state's
 * data (`json_extract`) in SQL, in rowid order (the order states were first stored). `complete` is false when a
 * `where` value is not a string or a number: SQL then selects a superset, and the caller checks each row.
 */
export function queryVaultSql(query: StoreVaultQuery): { sql: string; params: unknown[]; complete: boolean } {
  const where: string[] = [];
  const params: unknown[] = [];
  let complete = true;
  if (query.contract !== undefined) {
    where.push('contract = ?');
    params.push(query.contract);
  }
  if (!query.consumed) where.push('consumed_by IS NULL');
  if (query.after !== undefined) {
    // a ref the store does not hold has no rowid: nothing is after it
    where.push('rowid > (SELECT rowid FROM vault WHERE ref = ?)');
    params.push(query.after);
  }
  // cheap tests first (SQLite checks them in order): the JSON is read only for the rows that get that far
  const lockers = query.availableTo;
  if (lockers !== undefined) {
    if (lockers.length === 0) where.push('locked_by IS NULL');
    else if (lockers.length === 1) where.push('(locked_by IS NULL OR locked_by = ?)');
    else where.push('(locked_by IS NULL OR locked_by IN (SELECT value FROM json_each(?)))');
    if (lockers.length === 1) params.push(lockers[0]);
    else if (lockers.length > 1) params.push(JSON.stringify(lockers));
  }
  if (query.except?.length) {
    where.push('ref NOT IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(query.except));
  }
  for (const [field, value] of Object.entries(query.where ?? {})) {
    if ((typeof value === 'string' || typeof value === 'number') && /^[A-Za-z_][A-Za-z0-9_]*$/.test(field)) {
      where.push(`json_extract(data, '$.state.data.${field}') = ?`);
      params.push(value);
    } else complete = false;
  }
  const index = query.contract !== undefined && !query.consumed ? ' INDEXED BY vault_unconsumed' : '';
  let sql = `SELECT data FROM vault${index}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY rowid`;
  if (complete && query.limit !== undefined) {
    sql += ' LIMIT ?';
    params.push(Math.max(0, query.limit));
  }
  return { sql, params, complete };
}

const SQLITE_CODE = /^SQLITE_(BUSY|LOCKED)(_|$)/;

/**
 * Whether an error is another connection holding a lock (SQLITE_BUSY, SQLITE_LOCKED and their extended codes):
 * the operation may succeed if tried again. Follows `cause` chains.
 */
export function isTransientStoreError(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 8; e = (e as Error).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && SQLITE_CODE.test(code)) return true;
  }
  return false;
}

type Statement = Database.Statement<unknown[], unknown>;

export class SqliteStore implements CheckpointStore {
  readonly kind = 'sqlite';
  readonly file: string;
  private readonly db: Database.Database;
  private readonly read: Record<keyof typeof QUERIES, Statement>;
  private readonly write: Record<keyof typeof WRITES, Statement>;
  private readonly listStatements = new Map<string, Statement>();
  private readonly applyWrites: (writes: WriteSet, json: SerialisedWrites) => void;

  /** Opens (creating it if needed) and migrates the store in `file`; `:memory:` for a store in memory. */
  static open(file: string, options: SqliteStoreOptions = {}): SqliteStore {
    return new SqliteStore(file, options);
  }

  constructor(file: string, options: SqliteStoreOptions = {}) {
    this.file = file;
    let db: Database.Database | undefined;
    try {
      db = new Database(file, { timeout: options.busyTimeoutMs ?? 5000 });
      // the first read of the file: a file that is not a database fails here
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version > SCHEMA_VERSION)
        throw new Error(
          `The checkpoint store ${file} has schema version ${version}, newer than the version ${SCHEMA_VERSION} ` +
            'this version of Flows supports: open it with the newer version of Flows that wrote it.',
        );
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
      migrate(db);
      this.db = db;
      this.read = prepareAll(db, QUERIES);
      this.write = prepareAll(db, WRITES);
    } catch (error) {
      db?.close();
      throw openError(file, error);
    }
    this.read.getFlow.pluck();
    this.read.historyOf.pluck();
    this.read.pendingInits.pluck();
    this.read.getSession.pluck();
    this.read.sessionsOf.pluck();
    this.read.flowReceivingOn.pluck();
    this.read.pendingEvents.pluck();
    this.read.outbox.pluck();
    this.read.nextDeadline.pluck();

    this.read.progressOf.pluck();

    this.read.getMeta.pluck();
    for (const key of ['getTransaction', 'getVaultState', 'lockedBy', 'notaryCommit'] as const)
      this.read[key].pluck();
    // BEGIN IMMEDIATE: the write lock is taken (waiting up to the busy timeout) before the first statement, so a
    // commit never fails on a snapshot another connection made stale
    this.applyWrites = this.db.transaction((w: WriteSet, json: SerialisedWrites) =>
      this.apply(w, json),
    ).immediate;
  }

  /**
   * The connection's settings in force: the journal mode (`wal` for a file, `memory` for `:memory:`), the
   * `synchronous` level (1 NORMAL, 2 FULL), the busy timeout and the schema version.
   */
  settings(): { journalMode: string; synchronous: number; busyTimeoutMs: number; schemaVersion: number } {
    const pragma = (name: string) => this.db.pragma(name, { simple: true });
    return {
      journalMode: pragma('journal_mode') as string,
      synchronous: pragma('synchronous') as number,
      busyTimeoutMs: pragma('busy_timeout') as number,
      schemaVersion: pragma('user_version') as number,
    };
  }

  getFlow(id: string): FlowRecord | undefined {
    const text = this.read.getFlow.get(id) as string | undefined;
    return text === undefined ? undefined : readFlowRecord(id, text);
  }

  listFlows(query: FlowQuery = {}): FlowRecord[] {
    const { sql, params } = listFlowsSql(query);
    let statement = this.listStatements.get(sql);
    if (!statement) this.listStatements.set(sql, (statement = this.db.prepare(sql)));
    return readFlows(statement.all(...params));
  }

  countFlows(): Record<FlowStatus, number> {
    const counts = zeroCounts();
    for (const row of this.read.countFlows.all() as { status: FlowStatus; n: number }[])
      counts[row.status] = row.n;
    return counts;
  }

  getSession(id: string): SessionRecord | undefined {
    const text = this.read.getSession.get(id) as string | undefined;
    return text === undefined ? undefined : (JSON.parse(text) as SessionRecord);
  }

  sessionsOf(owner: string): SessionRecord[] {
    return parseAll<SessionRecord>(this.read.sessionsOf.all(owner));
  }

  flowReceivingOn(session: string): string | undefined {
    return this.read.flowReceivingOn.get(session) as string | undefined;
  }

  pendingEvents(): QueuedEvent[] {
    return parseAll<QueuedEvent>(this.read.pendingEvents.all());
  }

  outbox(): OutboxMessage[] {
    return parseAll<OutboxMessage>(this.read.outbox.all());
  }

  nextDeadline(): number | undefined {
    return (this.read.nextDeadline.get() as number | null) ?? undefined;
  }

  dueFlows(now: number, limit: number): FlowRecord[] {
    return readFlows(this.read.dueFlows.all(now, Math.max(0, limit)));
  }

  progressOf(flow: string): ProgressRecord[] {
    return parseAll<ProgressRecord>(this.read.progressOf.all(flow));
  }

  childrenOf(flow: string): FlowRecord[] {
    return readFlows(this.read.childrenOf.all(flow));
  }

  historyOf(flow: string): HistoryRecord[] {
    return parseAll<HistoryRecord>(this.read.historyOf.all(flow));
  }

  pendingInits(): SessionRecord[] {
    return parseAll<SessionRecord>(this.read.pendingInits.all()).filter((s) => s.pendingInit !== undefined);
  }

  bundles(): InstalledBundle[] {
    return this.read.bundles.all() as InstalledBundle[];
  }

  getTransaction(id: string): SignedTransaction | undefined {
    const text = this.read.getTransaction.get(id) as string | undefined;
    return text === undefined ? undefined : (JSON.parse(text) as SignedTransaction);
  }

  getVaultState(ref: string): VaultState | undefined {
    const text = this.read.getVaultState.get(ref) as string | undefined;
    return text === undefined ? undefined : (JSON.parse(text) as VaultState);
  }

  queryVault(query: StoreVaultQuery): VaultState[] {
    const { sql, params, complete } = queryVaultSql(query);
    const result: VaultState[] = [];
    if (query.limit !== undefined && query.limit <= 0) return result;
    let statement = this.listStatements.get(sql);
    if (!statement) this.listStatements.set(sql, (statement = this.db.prepare(sql).pluck()));
    // with a `where` SQL cannot check, rows are read until `limit` of them pass the check in JavaScript
    const rows = complete ? statement.all(...params) : statement.iterate(...params);
    for (const row of rows) {
      const state = JSON.parse(row as string) as VaultState;
      if (!matchesVaultQuery(state, query)) continue;
      result.push(state);
      if (query.limit !== undefined && result.length >= query.limit) break;
    }
    return result;
  }

  lockedBy(flow: string): VaultState[] {
    return parseAll<VaultState>(this.read.lockedBy.all(flow));
  }

  notaryCommit(ref: string): string | undefined {
    return this.read.notaryCommit.get(ref) as string | undefined;
  }

  getMeta(key: string): string | undefined {
    return this.read.getMeta.get(key) as string | undefined;
  }

  commit(writes: WriteSet): void {
    if (!this.db.open) throw new Error('The store is closed.');
    if (isEmptyWriteSet(writes)) return;
    // serialise everything first: a value JSON cannot hold fails the commit before the transaction begins
    const json: SerialisedWrites = {
      flows: Array.from(writes.flows.values(), flowRecordText),
      sessions: stringifyAll(writes.sessions.values()),
      events: stringifyAll(writes.eventsAdded.values()),
      outbox: stringifyAll(writes.outboxAdded.values()),
      progress: stringifyAll(writes.progress),
      history: stringifyAll(writes.history),
      transactions: stringifyAll(writes.transactions.values()),
      vault: stringifyAll(writes.vault.values()),
    };
    this.applyWrites(writes, json);
  }

  close(): void {
    this.db.close();
  }

  /** The whole write set, inside the transaction: one `run` per row, in the memory store's order. */
  private apply(w: WriteSet, json: SerialisedWrites): void {
    const { write } = this;
    let i = 0;
    for (const f of w.flows.values()) {
      const wait = f.wait;
      const data = json.flows[i];
      if (
        write.updateFlowData.run(
          data,
          f.id,
          f.status,
          wait?.type ?? null,
          wait?.session ?? null,
          wait?.deadline ?? null,
          f.root,
          f.parent ?? null,
          f.createdAt,
        ).changes === 1
      ) {
        i++;
        continue;
      }
      write.upsertFlow.run(
        f.id,
        f.root,
        f.parent ?? null,
        f.status,
        wait?.type ?? null,
        wait?.session ?? null,
        wait?.deadline ?? null,
        f.createdAt,
        json.flows[i++],
      );
    }
    i = 0;
    for (const s of w.sessions.values()) write.upsertSession.run(s.id, s.owner ?? null, json.sessions[i++]);
    for (const id of w.eventsRemoved) write.deleteEvent.run(id);
    i = 0;
    for (const e of w.eventsAdded.values()) write.upsertEvent.run(e.id, e.flow, json.events[i++]);
    for (const id of w.outboxRemoved) write.deleteOutbox.run(id);
    i = 0;
    for (const m of w.outboxAdded.values()) write.upsertOutbox.run(m.id, json.outbox[i++]);
    i = 0;
    for (const p of w.progress) write.insertProgress.run(p.flow, p.index, json.progress[i++]);
    i = 0;
    for (const h of w.history) write.insertHistory.run(h.flow, h.index, json.history[i++]);
    for (const b of w.bundles) write.insertBundle.run(b.hash, b.name, b.version, b.text, b.installedAt);
    for (const hash of w.bundlesRemoved) write.deleteBundle.run(hash);
    i = 0;
    for (const t of w.transactions.values()) write.upsertTransaction.run(t.id, json.transactions[i++]);
    i = 0;
    for (const v of w.vault.values())
      write.upsertVault.run(
        v.ref,
        v.state.contract,
        v.consumedBy ?? null,
        v.lockedBy ?? null,
        json.vault[i++],
      );
    for (const [ref, tx] of w.notaryCommits) write.insertNotaryCommit.run(ref, tx);
    for (const [key, value] of w.meta) write.upsertMeta.run(key, value);
  }
}

interface SerialisedWrites {
  flows: string[];
  sessions: string[];
  events: string[];
  outbox: string[];
  progress: string[];
  history: string[];
  transactions: string[];
  vault: string[];
}

function stringifyAll(values: Iterable<unknown>): string[] {
  const result: string[] = [];
  for (const value of values) result.push(JSON.stringify(value));
  return result;
}

/** Flow rows (`id, data`), a damaged one read as a placeholder that says so. */
function readFlows(rows: unknown[]): FlowRecord[] {
  const result: FlowRecord[] = new Array<FlowRecord>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as { id: string; data: string };
    result[i] = readFlowRecord(row.id, row.data);
  }
  return result;
}

function parseAll<T>(texts: unknown[]): T[] {
  const result: T[] = new Array<T>(texts.length);
  for (let i = 0; i < texts.length; i++) result[i] = JSON.parse(texts[i] as string) as T;
  return result;
}

function prepareAll<K extends string>(db: Database.Database, sql: Record<K, string>): Record<K, Statement> {
  const result = {} as Record<K, Statement>;
  for (const key of Object.keys(sql) as K[]) result[key] = db.prepare(sql[key]);
  return result;
}

/**
 * Applies the migrations the database lacks, each in its own immediate transaction that reads the version again
 * first: two processes opening a new file at once migrate it once.
 */
function migrate(db: Database.Database): void {
  for (const migration of MIGRATIONS) {
    db.transaction(() => {
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version >= migration.version) return;
      if (version !== migration.version - 1)
        throw new Error(`schema version ${version} cannot be migrated to ${migration.version}`);
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
}

/** An error opening the store, naming the file; SQLite's own error is the cause. */
function openError(file: string, error: unknown): Error {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT')
    return new Error(`The checkpoint store ${file} is not a SQLite database, or is corrupt (${message}).`, {
      cause: error,
    });
  if (message.includes(file)) return error as Error;
  return new Error(`Cannot open the checkpoint store ${file}: ${message}`, { cause: error });
}
