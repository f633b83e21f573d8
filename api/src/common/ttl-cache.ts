/**
 * A small in-process cache whose entries expire `ttlMs` after they were stored; when full, the
 * oldest entry makes room. Used where FerretDB would otherwise be asked the same `_id` question on
 * every request; each user of it says how stale its answer may be and what drops an entry early.
 */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, { value: V; until: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 20_000,
  ) {}

  get(key: K, now = Date.now()): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until > now) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  set(key: K, value: V, now = Date.now()): void {
    this.entries.delete(key); // re-inserted last, so the eviction order stays oldest first
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as K);
    this.entries.set(key, { value, until: now + this.ttlMs });
  }

  /** The cached value, else what `load` finds; a null answer is not cached (so it is asked again). */
  async getOrLoad(key: K, load: () => Promise<V | null>): Promise<V | null> {
    const cached = this.get(key);
    if (cached !== undefined) return cached;
    const loaded = await load();
    if (loaded === null) this.entries.delete(key);
    else this.set(key, loaded);
    return loaded;
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
