import { summarizeJobResult } from './job-result-summary';

describe('summarizeJobResult', () => {
  it('keeps counts and short texts, and turns lists into their length', () => {
    expect(
      summarizeJobResult({
        entries: 12,
        wallets: 3,
        fixed: [{ userId: 'a' }, { userId: 'b' }],
        cutoff: '2024-01-01T00:00:00.000Z',
        done: true,
        nothing: null,
      }),
    ).toEqual({ entries: 12, wallets: 3, fixed: 2, cutoff: '2024-01-01T00:00:00.000Z', done: true, nothing: null });
  });

  it('stores nested objects as short JSON, clips long text and drops names a document cannot hold', () => {
    const summary = summarizeJobResult({ nested: { a: 1 }, long: 'x'.repeat(500), $where: 1, 'a.b': 2 })!;
    expect(summary.nested).toBe('{"a":1}');
    expect((summary.long as string).length).toBe(200);
    expect(Object.keys(summary)).toEqual(['nested', 'long']);
  });

  it('remembers at most 20 fields, and nothing for answers that are not objects', () => {
    const wide = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}`, i]));
    expect(Object.keys(summarizeJobResult(wide)!)).toHaveLength(20);
    expect(summarizeJobResult(null)).toBeNull();
    expect(summarizeJobResult([1, 2])).toBeNull();
    expect(summarizeJobResult('done')).toBeNull();
  });
});
