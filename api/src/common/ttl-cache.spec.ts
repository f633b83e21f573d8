import { TtlCache } from './ttl-cache';

describe('TtlCache', () => {
  it('answers until the entry expires', () => {
    const cache = new TtlCache<string, number>(1_000);
    cache.set('a', 1, 0);
    expect(cache.get('a', 999)).toBe(1);
    expect(cache.get('a', 1_000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('evicts the oldest entry when full, counting a re-stored key as new', () => {
    const cache = new TtlCache<string, number>(60_000, 2);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('a', 3); // now b is the oldest
    cache.set('c', 4);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(3);
    expect(cache.get('c')).toBe(4);
  });

  it('loads once while cached and does not cache a missing value', async () => {
    const cache = new TtlCache<string, string>(60_000);
    const load = jest.fn().mockResolvedValueOnce(null).mockResolvedValue('found');
    expect(await cache.getOrLoad('k', load)).toBeNull();
    expect(await cache.getOrLoad('k', load)).toBe('found');
    expect(await cache.getOrLoad('k', load)).toBe('found');
    expect(load).toHaveBeenCalledTimes(2);
    cache.delete('k');
    expect(cache.get('k')).toBeUndefined();
  });

  it('shares one load among callers that miss at once, and keeps no answer loaded across a delete', async () => {
    const cache = new TtlCache<string, string>(60_000);
    let finish!: (value: string) => void;
    const load = jest.fn(() => new Promise<string>((resolve) => (finish = resolve)));
    const both = Promise.all([cache.getOrLoad('k', load), cache.getOrLoad('k', load)]);
    expect(load).toHaveBeenCalledTimes(1);
    finish('old');
    expect(await both).toEqual(['old', 'old']);

    cache.delete('k');
    const stale = cache.getOrLoad('k', load);
    cache.delete('k'); // the record changed while it was being read
    finish('read before the change');
    await stale;
    expect(cache.get('k')).toBeUndefined();
  });
});
