import { Types } from 'mongoose';
import type { DomainEventBus } from '../common/domain-event-bus';
import type { ActivityRecordedEvent } from '../common/domain-events';
import type { ActivitiesService, RecordActivityInput } from '../engine/activities.service';
import type { MemberCache } from '../engine/member-cache';
import type { UserRecord } from '../users/users.repository';
import type { UsersService } from '../users/users.service';
import type { ReferralsRepository } from './referrals.repository';
import { ReferralsService } from './referrals.service';
import type { Referral } from './schemas/referral.schema';

const person = (name: string, referredByCode: string | null = null) =>
  ({ _id: new Types.ObjectId(), displayName: name, roles: ['member'], referredByCode }) as unknown as UserRecord;

describe('referral rules', () => {
  const ana = person('Ana');
  const finn = person('Finn', 'K7M3Q9P');
  const self = person('Sam', 'SELFSAM');
  const stranger = person('Stray', 'NOSUCH1');
  let referrals: Map<string, Referral>;
  let recorded: RecordActivityInput[];
  let published: unknown[];
  let service: ReferralsService;

  beforeEach(() => {
    referrals = new Map();
    recorded = [];
    published = [];
    const people = new Map([ana, finn, self, stranger].map((u) => [u._id.toHexString(), u]));
    const codes = new Map([
      ['K7M3Q9P', ana._id],
      ['SELFSAM', self._id],
    ]);
    const keys = new Set<string>();
    const repository = {
      ownerOf: (code: string) => Promise.resolve(codes.get(code) ?? null),
      find: (id: Types.ObjectId) => Promise.resolve(referrals.get(id.toHexString()) ?? null),
      recordReferral: (r: Referral) => {
        if (referrals.has(r._id.toHexString())) return Promise.resolve(false);
        referrals.set(r._id.toHexString(), { ...r, status: 'joined', convertedAt: null, points: 0 });
        return Promise.resolve(true);
      },
      markConverted: (id: Types.ObjectId, points: number) => {
        const r = referrals.get(id.toHexString())!;
        if (r.status === 'converted') return Promise.resolve(false);
        referrals.set(id.toHexString(), { ...r, status: 'converted', convertedAt: new Date(), points });
        return Promise.resolve(true);
      },
    } as unknown as ReferralsRepository;
    const activities = {
      record: (input: RecordActivityInput) => {
        const duplicate = keys.has(input.idempotencyKey);
        keys.add(input.idempotencyKey);
        if (!duplicate) recorded.push(input);
        return Promise.resolve({ activityId: 'a', pointsAwarded: 250, duplicate });
      },
    } as unknown as ActivitiesService;
    const members = {
      get: (id: Types.ObjectId) => Promise.resolve(people.get(id.toHexString()) ?? null),
    } as MemberCache;
    const users = {
      find: (id: Types.ObjectId) => Promise.resolve(people.get(id.toHexString()) ?? null),
    } as UsersService;
    const events = {
      publish: (_: string, event: unknown) => Promise.resolve(void published.push(event)),
    } as DomainEventBus;
    service = new ReferralsService(repository, activities, members, users, events);
  });

  const activity = (user: UserRecord, type = 'lesson.completed'): ActivityRecordedEvent => ({
    activityId: 'x',
    entryId: new Types.ObjectId().toHexString(),
    redo: false,
    userId: user._id.toHexString(),
    organizationId: null,
    type,
    value: null,
    occurredAt: new Date(),
    metadata: {},
    pointsAwarded: 20,
  });

  it('converts on the referee’s first activity, once, keyed by the referee, and tells the referrer', async () => {
    await service.recordSignup(finn, { referrerId: ana._id, code: 'K7M3Q9P' });
    await service.onActivityRecorded(activity(finn));
    await service.onActivityRecorded(activity(finn));
    await service.onActivityRecorded({ ...activity(finn), redo: true });
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({
      user: ana,
      type: 'referral.converted',
      idempotencyKey: `referral:${finn._id.toHexString()}`,
    });
    expect(published).toEqual([{ referrerId: ana._id.toHexString(), refereeName: 'Finn', points: 250 }]);
  });

  it('finds the referrer from the code on the account when the referral record is missing', async () => {
    await service.onActivityRecorded(activity(finn));
    expect(recorded).toHaveLength(1);
  });

  it('never converts for oneself, for an unknown code, or on a referrer’s own referral bonus', async () => {
    await service.onActivityRecorded(activity(self));
    await service.onActivityRecorded(activity(stranger));
    await service.onActivityRecorded(activity(finn, 'referral.converted'));
    await service.onActivityRecorded(activity(ana));
    expect(recorded).toEqual([]);
  });
});
