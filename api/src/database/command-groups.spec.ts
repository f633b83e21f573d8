import type { Db } from 'mongodb';
import { Model, Schema, trusted } from 'mongoose';
import { isOutage } from '../common/database-errors';
import { GroupedInserts } from './command-groups';
import { allAtOnce, RealDatabase, realDatabase } from './testing/real-database';

interface Row {
  _id: string;
  key: string;
  n: number;
}
const RowSchema = new Schema<Row>(
  { _id: String, key: { type: String, unique: true }, n: Number },
  { versionKey: false },
);

/** Grouped inserts on the embedded FerretDB: fewer commands, and each caller its own outcome. */
describe('GroupedInserts on the embedded FerretDB', () => {
  let db: RealDatabase;
  let rows: Model<Row>;
  let driverDb: Db;

  beforeAll(async () => {
    db = await realDatabase();
    rows = db.model<Row>('GroupedRow', RowSchema);
    await rows.init();
    driverDb = rows.db.db!;
  });
  afterAll(() => db.close());
  afterEach(() => jest.restoreAllMocks());

  const insertCommands = () => {
    const spy = jest.spyOn(driverDb, 'command');
    return () =>
      spy.mock.calls
        .map(([command]) => command as { insert?: string; documents?: unknown[] })
        .filter((command) => command.insert !== undefined)
        .map((command) => command.documents?.length);
  };

  it('inserts 100 concurrent documents in far fewer commands, each told true', async () => {
    const sizes = insertCommands();
    const grouped = new GroupedInserts<Row>(rows);
    const results = await allAtOnce(100, (i) => grouped.insert({ _id: `a${i}`, key: `a${i}`, n: i }));
    expect(results.every((r) => r.status === 'fulfilled' && r.value === true)).toBe(true);
    expect(await rows.countDocuments({ _id: trusted({ $regex: '^a' }) })).toBe(100);
    // The first goes alone; the 99 that arrived while it was on its way go as one.
    expect(sizes()).toEqual([1, 99]);
  });

  it('refuses only the duplicates of a group (by _id or by a unique index), and inserts the rest', async () => {
    await rows.create({ _id: 'b-taken', key: 'b-key-taken', n: 0 });
    const grouped = new GroupedInserts<Row>(rows);
    const documents: Row[] = [
      { _id: 'b0', key: 'b0', n: 0 },
      { _id: 'b-taken', key: 'b-free', n: 1 }, // _id exists
      { _id: 'b2', key: 'b-key-taken', n: 2 }, // unique key exists
      { _id: 'b3', key: 'b3', n: 3 },
      { _id: 'b3', key: 'b3-again', n: 4 }, // same _id twice in the group: the first wins
    ];
    const results = await allAtOnce(documents.length, (i) => grouped.insert({ ...documents[i] }));
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error)))).toEqual([
      true,
      false,
      false,
      true,
      false,
    ]);
    const stored = await rows.find({ _id: trusted({ $in: ['b0', 'b-taken', 'b2', 'b3'] }) }).lean();
    expect(stored.map((row) => [row._id, row.key]).sort()).toEqual([
      ['b-taken', 'b-key-taken'],
      ['b0', 'b0'],
      ['b3', 'b3'],
    ]);
  });

  it('hands every caller of a group the very error when the command fails as a whole (an outage stays one)', async () => {
    const grouped = new GroupedInserts<Row>(rows);
    const outage = Object.assign(new Error('connection 3 to 127.0.0.1:27017 closed'), { name: 'MongoNetworkError' });
    jest.spyOn(driverDb, 'command').mockRejectedValue(outage);
    const results = await allAtOnce(5, (i) => grouped.insert({ _id: `c${i}`, key: `c${i}`, n: i }));
    expect(results.every((r) => r.status === 'rejected' && r.reason === outage)).toBe(true);
    expect(isOutage((results[0] as PromiseRejectedResult).reason)).toBe(true);
    jest.restoreAllMocks();
    // The next insert goes again (nothing stuck behind the failed group).
    await expect(grouped.insert({ _id: 'c-after', key: 'c-after', n: 9 })).resolves.toBe(true);
  });
});
