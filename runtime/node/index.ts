/** The runtime's Node-only adapters. */
export {
  isTransientStoreError,
  listFlowsSql,
  MIGRATIONS,
  QUERIES,
  queryVaultSql,
  SCHEMA_VERSION,
  SqliteStore,
  type Migration,
  type SqliteStoreOptions,
} from './sqliteStore.js';
export { buildAndLoadCordapp, readCordapp, type ReadBundleOptions } from './bundles.js';
export { nodeLedgerCrypto } from './crypto.js';
export { openThreadNetwork, ThreadNetwork, type ThreadNetworkOptions } from './threads.js';
