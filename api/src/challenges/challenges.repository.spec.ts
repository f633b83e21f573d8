import { Types } from 'mongoose';
import { allAtOnce, RealDatabase, realDatabase } from '../database/testing/real-database';
import { ChallengesRepository } from './challenges.repository';
import { Challenge, ChallengeSchema } from './schemas/challenge.schema';
import { Submission, SubmissionSchema, SubmissionSlot, SubmissionSlotSchema } from './schemas/submission.schema';

describe('ChallengesRepository submissions (embedded FerretDB, two processes)', () => {
  let db: RealDatabase;
  let a: ChallengesRepository;
  let b: ChallengesRepository;
  const challengeId = new Types.ObjectId();

  beforeAll(async () => {
    db = await realDatabase();
    const models = [
      db.model<Challenge>(Challenge.name, ChallengeSchema),
      db.model<Submission>(Submission.name, SubmissionSchema),
      db.model<SubmissionSlot>(SubmissionSlot.name, SubmissionSlotSchema),
    ] as const;
    a = new ChallengesRepository(...models, await db.atomicWrites());
    b = new ChallengesRepository(...models, await db.atomicWrites());
  });
  afterAll(() => db.close());

  const evidence = (userId: Types.ObjectId, text: string) => ({
    challengeId,
    userId,
    organizationId: null,
    text,
    url: null,
  });

  it('keeps at most one pending submission per member, whatever the concurrency', async () => {
    const userId = new Types.ObjectId();
    const results = await allAtOnce(20, (i) => (i % 2 ? a : b).openSubmission(evidence(userId, `photo ${i}`)));
    const created = results.filter((r) => r.status === 'fulfilled' && r.value !== null);
    expect(created).toHaveLength(1);
    expect(await a.listSubmissions({ challengeId, status: 'pending' })).toHaveLength(1);
  });

  it('decides a submission once, then frees the slot for the next one', async () => {
    const userId = new Types.ObjectId();
    const first = (await a.openSubmission(evidence(userId, 'first')))!;
    const decisions = await allAtOnce(10, (i) =>
      (i % 2 ? a : b).decide(first._id, i % 2 ? 'approved' : 'rejected', new Types.ObjectId(), null),
    );
    expect(decisions.filter((r) => r.status === 'fulfilled' && r.value !== null)).toHaveLength(1);
    expect(await b.openSubmission(evidence(userId, 'second'))).not.toBeNull();
  });
});
