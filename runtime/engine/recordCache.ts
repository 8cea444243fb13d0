/**
 * Flow and session records as a node last committed them, kept across batches so that a batch does not read and
 * parse again from the store what an earlier batch wrote (a sub-flow's parent, the flow a message is for, its
 * session). Bounded: past `limit` entries, the older half goes.
 *
 * The records are the engine's own mutable objects, so a record is in at most one place: a batch that reads one
 * takes it out of the cache (`take`), and it comes back (`put`) only when the batch wrote it and the store took the
 * commit. A record a batch changed without committing it (a step that failed or is tried again, a refused commit)
 * never comes back; the next batch reads it from the store. The node drops the whole cache on a crash and on a
 * refused commit (`NodeCore`).
 */
export class RecordCache<T> {
  private readonly entries = new Map<string, T>();

  /** At most `limit` records (0: none kept). */
  constructor(readonly limit: number) {}

  get size(): number {
    return this.entries.size;
  }

  /** The record, taken out of the cache: the caller owns it now. */
  take(id: string): T | undefined {
    const record = this.entries.get(id);
    if (record !== undefined) this.entries.delete(id);
    return record;
  }

  /** The record, left in the cache: for a look only (it must not be changed or kept). */
  peek(id: string): T | undefined {
    return this.entries.get(id);
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  /** Keeps a record as committed, as the newest entry. */
  put(id: string, record: T): void {
    if (this.limit <= 0) return;
    this.entries.delete(id);
    this.entries.set(id, record);
    if (this.entries.size > this.limit) this.evict();
  }

  delete(id: string): void {
    this.entries.delete(id);
  }

  clear(): void {
    this.entries.clear();
  }

  /** Drops the older half, at once: one pass over the map per `limit / 2` records put. */
  private evict(): void {
    let extra = this.entries.size - Math.floor(this.limit / 2);
    for (const id of this.entries.keys()) {
      if (extra-- <= 0) break;
      this.entries.delete(id);
    }
  }
}
