/**
 * The SQLite store: the `CheckpointStore` conformance suite on files, then what only it has: the schema
 * migrations, the refusal of a newer schema and of a file that is not a database, WAL, lock errors, the query plans
 * of the lookups a node with a million waiting flows makes, and the same answers as the memory store for random
 * sequences of commits.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  isTransientStoreError,
  listFlowsSql,
  MIGRATIONS,
  QUERIES,
  queryVaultSql,
  SCHEMA_VERSION,
  SqliteStore,
} from '../../runtime/node/index.js';
import { MemoryStore, type CheckpointStore, type FlowRecord, type FlowStatus } from '../../runtime/store.js';
import {
  describeCheckpointStore,
  dumpStore,
  flowRecord,
  installedBundle,
  outboxMessage,
  progressRecord,
  queuedEvent,
  sessionRecord,
  vaultState,
  waitingFlow,
  writeSet,
} from './storeContract.js';

const dir = mkdtempSync(join(tmpdir(), 'flows-sqlite-'));
let files = 0;
const newFile = () => join(dir, `store${++files}.db`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeCheckpointStore('SqliteStore', {
  open: () => new SqliteStore(newFile()),
  reopen: (store: CheckpointStore) => {
    store.close();
    return SqliteStore.open((store as SqliteStore).file);
  },
});

/** Stores and raw connections a test opened, closed after it. */
const opened: { close(): unknown }[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});
function store(file = newFile(), options?: ConstructorParameters<typeof SqliteStore>[1]): SqliteStore {
  const s = new SqliteStore(file, options);
  opened.push(s);
  return s;
}
function raw(file: string): Database.Database {
  const db = new Database(file);
  opened.push(db);
  return db;
}
/** The tables and indexes of a database, their SQL with whitespace normalised. */
function schemaOf(db: Database.Database): { type: string; name: string; sql: string }[] {
  const rows = db
    .prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name")
    .all() as { type: string; name: string; sql: string }[];
  return rows.map((r) => ({
    ...r,
    sql: r.sql.replace(/\s+/g, ' ').replace(/\( /g, '(').replace(/ \)/g, ')'),
  }));
}

/** The first migration as released: a frozen copy, so that a change to `MIGRATIONS[0]` fails the tests. */
const V1_SCHEMA = `
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
`;

describe('SqliteStore: opening', () => {
  it('runs in WAL mode with synchronous NORMAL and a busy timeout, or FULL when asked', () => {
    expect(store().settings()).toEqual({
      journalMode: 'wal',
      synchronous: 1,
      busyTimeoutMs: 5000,
      schemaVersion: SCHEMA_VERSION,
    });
    expect(store(newFile(), { synchronous: 'full', busyTimeoutMs: 250 }).settings()).toMatchObject({
      journalMode: 'wal',
      synchronous: 2,
      busyTimeoutMs: 250,
    });
  });

  it('works in memory', () => {
    const s = store(':memory:');
    expect(s.kind).toBe('sqlite');
    expect(s.settings()).toMatchObject({ journalMode: 'memory', schemaVersion: SCHEMA_VERSION });
    s.commit(writeSet({ flows: [waitingFlow('f1', 'flow.sleep', { deadline: 5 })] }));
    expect(s.nextDeadline()).toBe(5);
    // each :memory: store is its own
    expect(store(':memory:').getFlow('f1')).toBeUndefined();
  });

  it('sees what another connection to the same file committed', () => {
    const file = newFile();
    const a = store(file);
    const b = store(file);
    a.commit(writeSet({ flows: [flowRecord('f1')], meta: [['k', 'v']] }));
    expect(b.getFlow('f1')).toEqual(flowRecord('f1'));
    expect(b.getMeta('k')).toBe('v');
  });

  it('refuses a file that is not a SQLite database, naming it', () => {
    const file = newFile();
    writeFileSync(file, 'This is a text file, not a database.\n'.repeat(200));
    expect(() => new SqliteStore(file)).toThrow(
      `The checkpoint store ${file} is not a SQLite database, or is corrupt`,
    );
    const error = (() => {
      try {
        new SqliteStore(file);
      } catch (e) {
        return e as Error & { cause: { code: string } };
      }
    })();
    expect(error?.cause.code).toBe('SQLITE_NOTADB');
  });

  it('names the file when it cannot be opened at all', () => {
    const file = join(dir, 'no such folder', 'store.db');
    expect(() => new SqliteStore(file)).toThrow(`Cannot open the checkpoint store ${file}: `);
  });
});

describe('SqliteStore: schema migrations', () => {
  it('numbers its migrations 1, 2, ... and records the last as the schema version', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(2);
  });

  it('never changes the released first migration', () => {
    const a = new Database(':memory:');
    const b = new Database(':memory:');
    opened.push(a, b);
    a.exec(V1_SCHEMA);
    b.exec(MIGRATIONS[0]!.sql);
    expect(schemaOf(b)).toEqual(schemaOf(a));
  });

  it('migrates a version 1 database, keeping its records, to the schema of a new one', () => {
    const file = newFile();
    const v1 = raw(file);
    v1.exec(V1_SCHEMA);
    v1.pragma('user_version = 1');
    const waiting = waitingFlow('f1', 'flow.receive', { session: 's1', deadline: 3000 });
    v1.prepare(
      'INSERT INTO flows (id, root, parent, status, wait_type, wait_session, deadline, created_at, data) ' +
        'VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?)',
    ).run('f1', 'f1', 'waiting', 'flow.receive', 's1', 3000, 1000, JSON.stringify(waiting));
    v1.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('nextEventId', '7');
    v1.close();

    const s = store(file);
    expect(s.settings().schemaVersion).toBe(SCHEMA_VERSION);
    expect(s.getFlow('f1')).toEqual(waiting);
    expect(s.flowReceivingOn('s1')).toBe('f1');
    expect(s.nextDeadline()).toBe(3000);
    expect(s.listFlows({ waiting: 'flow.receive' })).toEqual([waiting]);
    expect(s.getMeta('nextEventId')).toBe('7');
    s.close();

    const fresh = store();
    fresh.close();
    expect(schemaOf(raw(file))).toEqual(schemaOf(raw(fresh.file)));
    const names = schemaOf(raw(file)).map((o) => o.name);
    expect(names).toEqual(expect.arrayContaining(['flows_receiving', 'flows_by_deadline', 'flows_waiting']));
  });

  it('refuses a database written by a newer version, naming both versions, and leaves it as it was', () => {
    const file = newFile();
    const newer = raw(file);
    newer.exec('CREATE TABLE flows (id TEXT PRIMARY KEY, future TEXT)');
    newer.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    newer.close();
    expect(() => new SqliteStore(file)).toThrow(
      `The checkpoint store ${file} has schema version ${SCHEMA_VERSION + 1}, newer than the version ` +
        `${SCHEMA_VERSION} this version of Flows supports`,
    );
    const after = raw(file);
    expect(after.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 1);
    expect(after.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(schemaOf(after).map((o) => o.name)).toEqual(['flows']);
  });

  it('opens a current database again without migrating it', () => {
    const file = newFile();
    store(file).close();
    const before = schemaOf(raw(file));
    expect(store(file).settings().schemaVersion).toBe(SCHEMA_VERSION);
    expect(schemaOf(raw(file))).toEqual(before);
  });
});

describe('SqliteStore: lock errors', () => {
  it('fails a commit with a transient error while another connection holds the write lock, applying nothing', () => {
    const file = newFile();
    const s = store(file, { busyTimeoutMs: 0 });
    s.commit(writeSet({ flows: [flowRecord('f1')] }));
    const other = raw(file);
    other.exec('BEGIN IMMEDIATE');
    let error: unknown;
    try {
      s.commit(writeSet({ flows: [flowRecord('f1', { status: 'done' })], meta: [['k', 'v']] }));
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'SQLITE_BUSY' });
    expect(isTransientStoreError(error)).toBe(true);
    other.exec('ROLLBACK');
    expect(s.getFlow('f1')!.status).toBe('running');
    expect(s.getMeta('k')).toBeUndefined();
    // the lock is gone: the same commit goes through
    s.commit(writeSet({ flows: [flowRecord('f1', { status: 'done' })] }));
    expect(s.getFlow('f1')!.status).toBe('done');
  });

  it('tells lock errors from the others', () => {
    const sqliteError = (code: string) => Object.assign(new Error(code), { code });
    expect(isTransientStoreError(sqliteError('SQLITE_BUSY'))).toBe(true);
    expect(isTransientStoreError(sqliteError('SQLITE_BUSY_SNAPSHOT'))).toBe(true);
    expect(isTransientStoreError(sqliteError('SQLITE_LOCKED'))).toBe(true);
    expect(isTransientStoreError(sqliteError('SQLITE_LOCKED_SHAREDCACHE'))).toBe(true);
    expect(isTransientStoreError(new Error('wrapped', { cause: sqliteError('SQLITE_BUSY') }))).toBe(true);
    expect(isTransientStoreError(sqliteError('SQLITE_CONSTRAINT_PRIMARYKEY'))).toBe(false);
    expect(isTransientStoreError(sqliteError('SQLITE_BUSYNESS'))).toBe(false);
    expect(isTransientStoreError(sqliteError('SQLITE_CORRUPT'))).toBe(false);
    expect(isTransientStoreError(new Error('SQLITE_BUSY'))).toBe(false);
    expect(isTransientStoreError(undefined)).toBe(false);
    expect(isTransientStoreError('SQLITE_BUSY')).toBe(false);
  });

  it('reports a duplicate progress record as a constraint error, not a transient one', () => {
    const s = store();
    s.commit(writeSet({ progress: [progressRecord('f1', 0)] }));
    let error: unknown;
    try {
      s.commit(writeSet({ progress: [progressRecord('f1', 0)] }));
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' });
    expect(isTransientStoreError(error)).toBe(false);
  });
});

describe('SqliteStore: query plans', () => {
  /**
   * The plan of a query on a store with flows of every kind, as a node has it (SQLite has no statistics: no
   * ANALYZE ever ran), or after ANALYZE.
   */
  function plan(sql: string, params: unknown[], analyze = false): string {
    const file = newFile();
    const s = store(file);
    const flows: FlowRecord[] = [];
    const statuses: FlowStatus[] = ['running', 'waiting', 'done', 'failed'];
    for (let i = 0; i < 400; i++) {
      const status = statuses[i % 4]!;
      const wait = {
        type: ['flow.receive', 'flow.input', 'flow.sleep'][i % 3]!,
        token: 1,
        since: 0,
        session: `s${i}`,
      };
      flows.push(
        flowRecord(`f${i}`, {
          status,
          wait: { ...wait, deadline: i },
          ...(i % 5 ? { parent: `f${i % 7}` } : {}),
        }),
      );
    }
    s.commit(writeSet({ flows, sessions: flows.map((f) => sessionRecord(`s${f.id}`, { owner: f.id })) }));
    const db = raw(file);
    if (analyze) db.exec('ANALYZE');
    const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[];
    return rows.map((r) => r.detail).join('\n');
  }

  it.each([
    ['flowReceivingOn', QUERIES.flowReceivingOn, ['s1'], 'flows_receiving'],
    ['nextDeadline', QUERIES.nextDeadline, [], 'flows_by_deadline'],
    ['dueFlows', QUERIES.dueFlows, [100, 10], 'flows_by_deadline'],
    ['childrenOf', QUERIES.childrenOf, ['f1'], 'flows_by_parent'],
    ['sessionsOf', QUERIES.sessionsOf, ['f1'], 'sessions_by_owner'],
    ['countFlows', QUERIES.countFlows, [], 'flows_by_status'],
    ['listFlows status', listFlowsSql({ status: 'waiting' }).sql, ['waiting'], 'flows_by_status'],
    ['listFlows waiting', listFlowsSql({ waiting: 'flow.input' }).sql, ['flow.input'], 'flows_waiting'],
    [
      'listFlows waiting with a limit',
      listFlowsSql({ waiting: 'flow.input', limit: 5 }).sql,
      ['flow.input', 5],
      'flows_waiting',
    ],
    ['getFlow', QUERIES.getFlow, ['f1'], 'sqlite_autoindex_flows_1'],
  ])('%s is an index lookup, with or without statistics', (_name, sql, params, index) => {
    for (const analyze of [false, true]) {
      const detail = plan(sql, params, analyze);
      expect(detail).toMatch(new RegExp(`USING (COVERING )?INDEX ${index}\\b`));
      expect(detail).not.toMatch(/SCAN flows$|SCAN sessions$|USE TEMP B-TREE/m);
    }
  });

  it("reads coin selection's pages in the index of unconsumed states, in order, from the cursor on", () => {
    const file = newFile();
    const s = store(file);
    const vault = Array.from({ length: 300 }, (_, i) =>
      vaultState(`r${i}`, {
        contract: i % 3 ? 'Cash' : 'Token',
        data: { owner: i % 5 ? 'A' : 'B' },
        ...(i % 4 === 0 ? { consumedBy: 'tx' } : {}),
        ...(i % 7 === 0 ? { lockedBy: `f${i}` } : {}),
      }),
    );
    s.commit(writeSet({ vault }));
    const db = raw(file);
    const query = { contract: 'Cash', where: { owner: 'A' }, limit: 4 };
    for (const analyze of [false, true]) {
      if (analyze) db.exec('ANALYZE');
      for (const more of [
        {},
        { availableTo: ['f7'], after: 'r10' },
        { availableTo: ['f7', 'f14'], after: 'r10', except: ['r11', 'r13'] },
      ]) {
        const { sql, params } = queryVaultSql({ ...query, ...more });
        const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[];
        const detail = rows.map((r) => r.detail).join('\n');
        expect(detail).toMatch(
          'after' in more
            ? /^SEARCH vault USING INDEX vault_unconsumed \(contract=\? AND rowid>\?\)$/m
            : /^SEARCH vault USING INDEX vault_unconsumed \(contract=\?\)$/m,
        );
        expect(detail).not.toMatch(/SCAN vault|USE TEMP B-TREE/);
      }
    }
  });

  it('finds the next deadline in the index alone, and the receiver by one search', () => {
    expect(plan(QUERIES.nextDeadline, [])).toMatch(
      /^SEARCH flows USING COVERING INDEX flows_by_deadline\b[^\n]*$/,
    );
    expect(plan(QUERIES.flowReceivingOn, ['s1'])).toMatch(
      /^SEARCH flows USING INDEX flows_receiving \(wait_session=\?\)$/,
    );
  });
});

describe('SqliteStore: the same answers as the memory store', () => {
  const flowIds = ['f0', 'f1', 'f2', 'f3'];
  const sessionIds = ['s0', 's1', 's2'];
  const keys = ['k0', 'k1'];
  const refs = ['r0', 'r1', 'r2', 'r3'];
  const statusArb = fc.constantFrom<FlowStatus>(
    'running',
    'waiting',
    'done',
    'failed',
    'hospitalized',
    'killed',
  );
  const flowArb = fc
    .record({
      id: fc.constantFrom(...flowIds),
      status: statusArb,
      parent: fc.option(fc.constantFrom(...flowIds), { nil: undefined }),
      createdAt: fc.integer({ min: 0, max: 3 }),
      wait: fc.option(
        fc.record({
          type: fc.constantFrom('flow.receive', 'flow.input', 'flow.sleep'),
          session: fc.option(fc.constantFrom(...sessionIds), { nil: undefined }),
          deadline: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
        }),
        { nil: undefined },
      ),
    })
    .map(({ id, status, parent, createdAt, wait }) =>
      flowRecord(id, { status, parent, createdAt, wait: wait && { ...wait, token: 1, since: 0 } }),
    );
  const writesArb = fc.record({
    flows: fc.array(flowArb, { maxLength: 4 }),
    sessions: fc.array(
      fc
        .record({
          id: fc.constantFrom(...sessionIds),
          owner: fc.option(fc.constantFrom(...flowIds), { nil: undefined }),
        })
        .map(({ id, owner }) => sessionRecord(id, { owner })),
      { maxLength: 3 },
    ),
    eventsAdded: fc.array(
      fc
        .record({ id: fc.integer({ min: 0, max: 6 }), flow: fc.constantFrom(...flowIds) })
        .map((e) => queuedEvent(e.id, e.flow)),
      { maxLength: 3 },
    ),
    eventsRemoved: fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 3 }),
    outboxAdded: fc.array(
      fc
        .tuple(fc.constantFrom('m0', 'm1', 'm2'), fc.nat(3))
        .map(([id, attempts]) => outboxMessage(id, attempts)),
      { maxLength: 3 },
    ),
    outboxRemoved: fc.array(fc.constantFrom('m0', 'm1', 'm2'), { maxLength: 2 }),
    progress: fc.array(
      fc.tuple(fc.constantFrom(...flowIds), fc.nat(4)).map(([flow, index]) => progressRecord(flow, index)),
      { maxLength: 2 },
    ),
    bundles: fc.array(
      fc.tuple(fc.constantFrom('h0', 'h1'), fc.constantFrom('1', '2')).map(([h, v]) => installedBundle(h, v)),
      { maxLength: 2 },
    ),
    meta: fc.array(fc.tuple(fc.constantFrom(...keys), fc.string({ maxLength: 3 })), { maxLength: 2 }),
    vault: fc.array(
      fc
        .record({
          ref: fc.nat(refs.length - 1),
          consumedBy: fc.option(fc.constantFrom('tx1', 'tx2'), { nil: undefined }),
          lockedBy: fc.option(fc.constantFrom(...flowIds), { nil: undefined }),
        })
        // a state's contract and data never change (the ledger's states are immutable): only its consumption and
        // soft lock do
        .map(({ ref, consumedBy, lockedBy }) => {
          const units = [1, 2, '1'][ref % 3];
          const data = { owner: ref % 2 ? 'B' : 'A', units, tag: { units } };
          const contract = ref < 3 ? 'Cash' : 'Token';
          return vaultState(refs[ref]!, { contract, data, consumedBy, lockedBy });
        }),
      { maxLength: 3 },
    ),
  });
  const vaultQueryArb = fc.record(
    {
      contract: fc.constantFrom('Cash', 'Token'),
      consumed: fc.boolean(),
      where: fc.constantFrom<Record<string, unknown>>(
        { owner: 'A' },
        { owner: 'B', units: 1 },
        { units: '1' },
        { tag: { units: 2 } },
      ),
      availableTo: fc.subarray(flowIds, { maxLength: 3 }),
      after: fc.constantFrom(...refs, 'r9'),
      except: fc.subarray([...refs, 'r9']),
      limit: fc.nat(4),
    },
    { requiredKeys: [] },
  );

  it('after any sequence of commits, including refused ones', () => {
    fc.assert(
      fc.property(
        fc.array(writesArb, { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 0, max: 6 }),
        fc.array(vaultQueryArb, { maxLength: 12 }),
        (steps, now, vaultQueries) => {
          const memory = new MemoryStore();
          const sqlite = new SqliteStore(':memory:');
          try {
            for (const step of steps) {
              const outcome = (s: CheckpointStore) => {
                try {
                  s.commit(writeSet(step));
                  return 'committed';
                } catch {
                  return 'refused';
                }
              };
              expect(outcome(sqlite)).toBe(outcome(memory));
              expect(dumpStore(sqlite, flowIds, sessionIds, keys, refs)).toEqual(
                dumpStore(memory, flowIds, sessionIds, keys, refs),
              );
            }
            for (const status of [undefined, 'waiting', ['done', 'failed']] as const)
              for (const topLevel of [undefined, true])
                for (const waiting of [undefined, 'flow.input', 'flow.receive'])
                  for (const limit of [undefined, 0, 2]) {
                    const query = { status, topLevel, waiting, limit };
                    expect(sqlite.listFlows(query)).toEqual(memory.listFlows(query));
                  }
            for (const limit of [0, 1, 3])
              expect(sqlite.dueFlows(now, limit)).toEqual(memory.dueFlows(now, limit));
            for (const query of vaultQueries)
              expect(sqlite.queryVault(query), JSON.stringify(query)).toEqual(memory.queryVault(query));
          } finally {
            sqlite.close();
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
