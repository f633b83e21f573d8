import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../utils/hub-process';
import { bearer, closeDb, db, http, loginAdmin, Session, unique } from '../utils/hub';

describe('platform', () => {
  let admin: Session;

  beforeAll(async () => {
    admin = await loginAdmin();
  });
  afterAll(closeDb);

  it('reports health without auth', async () => {
    expect((await http().get('/api/health').expect(200)).body).toEqual({ status: 'ok', db: 'up' });
  });

  it('serves the OpenAPI document it was generated from, and its UI', async () => {
    const served = (await http().get('/api/docs-json').expect(200)).body;
    const committed = JSON.parse(readFileSync(join(REPO_ROOT, 'api', 'openapi.json'), 'utf8'));
    expect(Object.keys(served.paths).sort()).toEqual(Object.keys(committed.paths).sort());
    for (const path of [
      '/api/auth/register',
      '/api/me',
      '/api/me/ledger',
      '/api/points/adjustments',
      '/api/api-keys',
    ]) {
      expect(served.paths).toHaveProperty([path]);
    }
    const ui = await http().get('/api/docs').expect(200);
    expect(ui.text).toContain('swagger');
  });

  it('has the database look a document up by _id through the _id index, not by scanning, with or without other conditions', async () => {
    const database = await db();
    const users = database.collection('users');
    const someone = await users.findOne({}, { projection: { _id: 1, email: 1 } });
    const info = await database.admin().command({ buildInfo: 1 });
    // A conditional update's filter: the _id and a condition on another field.
    for (const filter of [{ _id: someone!._id }, { _id: someone!._id, email: { $ne: null } }]) {
      const plan = JSON.stringify(await users.find(filter).explain());
      if (info.ferretdbVersion) {
        // The embedded FerretDB is built with the patches in ferretdb-installer.ts; unpatched, this says SCAN.
        expect(plan).toMatch(/SEARCH users_\w+ USING INDEX users_\w+__id_/);
      } else {
        expect(plan).not.toContain('COLLSCAN');
      }
    }
    // The other conditions still apply.
    expect(await users.countDocuments({ _id: someone!._id, email: someone!.email })).toBe(1);
    expect(await users.countDocuments({ _id: someone!._id, email: `not-${someone!.email}` })).toBe(0);
  });

  it('has the database keep a conditional update of one document whole under concurrency (MongoDB; our FerretDB build serializes writes)', async () => {
    // The stock FerretDB 1.24 lost most of these (200 concurrent $inc of 1 left 18); the hub's
    // AtomicWrites relies on the server here, and takes leases only on a stock FerretDB.
    const counters = (await db()).collection<{ _id: string; value: number }>('platform_isolation_probe');
    const id = unique('probe');
    await counters.insertOne({ _id: id, value: 0 });
    await Promise.all(Array.from({ length: 200 }, () => counters.updateOne({ _id: id }, { $inc: { value: 1 } })));
    expect((await counters.findOne({ _id: id }))!.value).toBe(200);
    const debits = await Promise.all(
      Array.from({ length: 50 }, () =>
        counters.findOneAndUpdate(
          { _id: id, value: { $gte: 10 } },
          { $inc: { value: -10 } },
          { includeResultMetadata: true },
        ),
      ),
    );
    expect(debits.filter((result) => result.lastErrorObject?.updatedExisting)).toHaveLength(20);
    expect((await counters.findOne({ _id: id }))!.value).toBe(0);
    await counters.drop();
  });

  it('has the database keep only the latest N of a $push with $slice, under concurrency (the tallies rely on it)', async () => {
    // FerretDB 1.24 applies $push without its $slice; our build (hub.6) applies it as MongoDB does.
    const tallies = (await db()).collection<{ _id: string; n: number; latest: number[] }>('platform_slice_probe');
    const id = unique('slice');
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        tallies.updateOne(
          { _id: id },
          { $inc: { n: 1 }, $push: { latest: { $each: [i, i], $slice: -5 } } },
          { upsert: true },
        ),
      ),
    );
    const stored = (await tallies.findOne({ _id: id }))!;
    expect(stored.n).toBe(30);
    expect(stored.latest).toHaveLength(5);
    await tallies.updateOne({ _id: id }, { $push: { latest: { $each: [100, 101], $slice: -3 } } });
    expect((await tallies.findOne({ _id: id }))!.latest).toEqual([stored.latest[4], 100, 101]);
    await tallies.drop();
  });

  it('lists tiers in ascending order', async () => {
    const tiers = (await http().get('/api/tiers').set(bearer(admin.token)).expect(200)).body.items;
    expect(tiers.map((t: { key: string }) => t.key)).toEqual(['member', 'silver', 'gold', 'platinum', 'diamond']);
  });

  describe('API keys', () => {
    it('shows a key once, stores only its hash, and revokes it', async () => {
      const created = await http().post('/api/api-keys').set(bearer(admin.token)).send({ name: 'CRM' }).expect(201);
      expect(created.body).toEqual({ id: expect.any(String), name: 'CRM', key: expect.stringMatching(/^ehk_/) });

      const listed = await http().get('/api/api-keys').set(bearer(admin.token)).expect(200);
      const entry = listed.body.items.find((k: { id: string }) => k.id === created.body.id);
      expect(entry).toEqual({
        id: created.body.id,
        name: 'CRM',
        prefix: created.body.key.slice(0, 10),
        createdAt: expect.any(String),
      });
      expect(JSON.stringify(listed.body)).not.toContain(created.body.key);

      const stored = await (await db()).collection('api_keys').find({}).toArray();
      expect(JSON.stringify(stored)).not.toContain(created.body.key);

      await http().delete(`/api/api-keys/${created.body.id}`).set(bearer(admin.token)).expect(204);
      await http().delete(`/api/api-keys/${created.body.id}`).set(bearer(admin.token)).expect(404);
      const after = await http().get('/api/api-keys').set(bearer(admin.token)).expect(200);
      expect(after.body.items.map((k: { id: string }) => k.id)).not.toContain(created.body.id);
    });

    it('does not let a key act as a user', async () => {
      const created = await http().post('/api/api-keys').set(bearer(admin.token)).send({ name: 'CRM 2' }).expect(201);
      await http().get('/api/me').set({ 'X-Api-Key': created.body.key }).expect(401);
      await http().get('/api/me').set(bearer(created.body.key)).expect(401);
    });
  });
});
