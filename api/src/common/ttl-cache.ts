/**
 * A small in-process cache whose entries expire `ttlMs` after they were stored; when full, the
 * oldest entry makes room. Used where FerretDB would otherwise be asked the same `_id` question on
 * every request; each user of it says how stale its answer may be and what drops an entry early.
 */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, { value: V; until: number }>();
  /** Loads under way: callers that miss meanwhile share them instead of asking again. */
  private readonly loading = new Map<K, Promise<V | null>>();

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
    const pending = this.loading.get(key);
    if (pending) return pending;
    const loading = load().then((loaded) => {
      // Dropped meanwhile (delete): this answer may be older than the change, so it is not kept.
      if (this.loading.get(key) !== loading) return loaded;
      this.loading.delete(key);
      if (loaded === null) this.entries.delete(key);
      else this.set(key, loaded);
      return loaded;
    });
    this.loading.set(key, loading);
    loading.catch(() => {
      if (this.loading.get(key) === loading) this.loading.delete(key);
    });
    return loading;
  }

  delete(key: K): void {
    this.entries.delete(key);
    this.loading.delete(key);
  }

  clear(): void {
    this.entries.clear();
    this.loading.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
