import type { Collection } from 'mongodb';
import { GroupedInserts } from './command-groups';
import { allAtOnce, RealDatabase, realDatabase } from './testing/real-database';

interface Row {
  _id: string;
  key: string;
  n: number;
}

/** Grouped inserts on the embedded FerretDB: fewer commands, and each caller its own outcome. */
describe('GroupedInserts on the embedded FerretDB', () => {
  let db: RealDatabase;
  let rows: Collection<Row>;

  beforeAll(async () => {
    db = await realDatabase();
    rows = db.connection.collection<Row>('grouped_rows') as unknown as Collection<Row>;
    await rows.createIndex({ key: 1 }, { unique: true });
  });
  afterAll(() => db.close());
  afterEach(() => jest.restoreAllMocks());

  it('inserts 100 concurrent documents in far fewer commands, each told true', async () => {
    const commands = jest.spyOn(rows, 'insertMany');
    const grouped = new GroupedInserts<Row>(rows);
    const results = await allAtOnce(100, (i) => grouped.insert({ _id: `a${i}`, key: `a${i}`, n: i }));
    expect(results.every((r) => r.status === 'fulfilled' && r.value === true)).toBe(true);
    expect(await rows.countDocuments({ _id: { $regex: '^a' } })).toBe(100);
    // The first goes alone; the 99 that arrived while it was on its way go as one.
    expect(commands.mock.calls.length).toBeLessThanOrEqual(3);
    expect(commands.mock.calls[0][0]).toHaveLength(1);
  });

  it('refuses only the duplicates of a group (by _id or by a unique index), and inserts the rest', async () => {
    await rows.insertOne({ _id: 'b-taken', key: 'b-key-taken', n: 0 });
    const grouped = new GroupedInserts<Row>(rows);
    const documents: Row[] = [
      { _id: 'b0', key: 'b0', n: 0 },
      { _id: 'b-taken', key: 'b-free', n: 1 }, // _id exists
      { _id: 'b2', key: 'b-key-taken', n: 2 }, // unique key exists
      { _id: 'b3', key: 'b3', n: 3 },
      { _id: 'b3', key: 'b3-again', n: 4 }, // same _id twice in the group: the first wins
    ];
    const results = await allAtOnce(documents.length, (i) => grouped.insert({ ...documents[i] }));
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : r.reason))).toEqual([
      true,
      false,
      false,
      true,
      false,
    ]);
    const stored = await rows.find({ _id: { $in: ['b0', 'b-taken', 'b2', 'b3'] } }).toArray();
    expect(stored.map((row) => [row._id, row.key]).sort()).toEqual([
      ['b-taken', 'b-key-taken'],
      ['b0', 'b0'],
      ['b3', 'b3'],
    ]);
  });

  it('hands every caller of a group the error when the command fails as a whole', async () => {
    const grouped = new GroupedInserts<Row>(rows);
    const outage = Object.assign(new Error('connection is closed'), { name: 'MongoNetworkError' });
    jest.spyOn(rows, 'insertMany').mockRejectedValue(outage);
    const results = await allAtOnce(5, (i) => grouped.insert({ _id: `c${i}`, key: `c${i}`, n: i }));
    expect(results.every((r) => r.status === 'rejected' && r.reason === outage)).toBe(true);
    jest.restoreAllMocks();
    // The next insert goes again (nothing stuck behind the failed group).
    await expect(grouped.insert({ _id: 'c-after', key: 'c-after', n: 9 })).resolves.toBe(true);
  });
});
