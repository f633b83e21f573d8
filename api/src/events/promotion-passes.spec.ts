import { PromotionPasses } from './promotion-passes';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('PromotionPasses', () => {
  it('runs one pass at a time per event; requests meanwhile share the one queued behind it', async () => {
    const passes = new PromotionPasses<number>();
    const started: Array<ReadonlySet<string>> = [];
    let release!: () => void;
    const pass = (quiet: ReadonlySet<string>) => {
      started.push(new Set(quiet));
      return started.length === 1 ? new Promise<number>((done) => (release = () => done(1))) : Promise.resolve(2);
    };
    const first = passes.request('e1', 'a', pass);
    await tick();
    const joined = [
      passes.request('e1', 'b', pass),
      passes.request('e1', undefined, pass),
      passes.request('e1', 'c', pass),
    ];
    const other = passes.request('e2', undefined, pass); // another event does not wait
    await tick();
    expect(started).toHaveLength(2); // e1's first pass and e2's
    release();
    expect(await first).toBe(1);
    expect(await Promise.all(joined)).toEqual([2, 2, 2]);
    expect(await other).toBe(2);
    expect(started).toHaveLength(3);
    expect([...started[2]]).toEqual(['b', 'c']);
  });

  it('lets a failed pass fail its requests and still runs the next one', async () => {
    const passes = new PromotionPasses<string>();
    const failing = passes.request('e', undefined, () => Promise.reject(new Error('outage')));
    await tick(); // started: the next request queues its own pass
    const next = passes.request('e', undefined, () => Promise.resolve('ok'));
    await expect(failing).rejects.toThrow('outage');
    await expect(next).resolves.toBe('ok');
  });
});
