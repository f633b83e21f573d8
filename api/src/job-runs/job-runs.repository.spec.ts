import { allAtOnce, RealDatabase, realDatabase } from '../database/testing/real-database';
import { JobRunsRepository } from './job-runs.repository';
import { JobRunRecord, JobRuns, JobRunsSchema } from './schemas/job-run.schema';

describe('JobRunsRepository.record (embedded FerretDB, two processes)', () => {
  let db: RealDatabase;
  let a: JobRunsRepository;
  let b: JobRunsRepository;

  beforeAll(async () => {
    db = await realDatabase();
    const model = db.model<JobRuns>(JobRuns.name, JobRunsSchema);
    a = new JobRunsRepository(model, await db.atomicWrites());
    b = new JobRunsRepository(model, await db.atomicWrites());
  });
  afterAll(() => db.close());

  const run = (fields: Partial<JobRunRecord> = {}): JobRunRecord => ({
    trigger: 'scheduled',
    startedAt: new Date(),
    finishedAt: new Date(),
    asOf: new Date(),
    ok: true,
    result: { sent: 0 },
    error: null,
    by: null,
    ...fields,
  });

  it('counts every run of sweeps that finish at once on two instances, creating the document once', async () => {
    const results = await allAtOnce(20, (i) => (i % 2 ? a : b).record('sweep', run({ ok: i % 5 !== 0 })));
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    const stored = (await a.find(['sweep'])).get('sweep')!;
    expect(stored.runs).toBe(20);
    expect(stored.failures).toBe(4);
    expect(stored.lastFailure?.ok).toBe(false);
    expect(stored.lastManual ?? null).toBeNull(); // never set: no manual run yet
  });

  it('keeps the last manual run and the last failure beside the latest run', async () => {
    const by = { id: 'admin-1', displayName: 'Ada Admin' };
    await a.record('expiry', run({ trigger: 'manual', by, result: { pointsExpired: 40 } }));
    await b.record('expiry', run({ ok: false, result: null, error: 'database unreachable' }));
    await a.record('expiry', run({ result: { pointsExpired: 0 } }));
    const stored = (await b.find(['expiry', 'never-ran'])).get('expiry')!;
    expect(stored.last).toMatchObject({ trigger: 'scheduled', result: { pointsExpired: 0 } });
    expect(stored.lastManual).toMatchObject({ trigger: 'manual', by, result: { pointsExpired: 40 } });
    expect(stored.lastFailure).toMatchObject({ ok: false, error: 'database unreachable' });
    expect(stored.runs).toBe(3);
    expect((await b.find(['never-ran'])).size).toBe(0);
  });
});
