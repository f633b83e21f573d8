import { Types } from 'mongoose';
import type { LedgerRecordedEvent } from '../common/domain-events';
import type { HubConfig } from '../config/hub-config';
import type { BucketIncrement, LeaderboardStore } from './leaderboard-store';
import { boardIncrements, LeaderboardsService } from './leaderboards.service';

/** A store that only records what it is asked to add: the rule under test is which entries count. */
class RecordingStore implements Partial<LeaderboardStore> {
  added: BucketIncrement[] = [];
  readonly batchesWrites = false;
  apply(_token: string, changes: BucketIncrement[]): Promise<void> {
    this.added.push(...changes);
    return Promise.resolve();
  }
}

describe('which ledger entries move boards', () => {
  const userId = new Types.ObjectId().toHexString();
  const organizationId = new Types.ObjectId().toHexString();
  const store = new RecordingStore();
  const published: unknown[] = [];
  const service = new LeaderboardsService(
    store as unknown as LeaderboardStore,
    { get: () => Promise.resolve(null) } as never,
    {} as never,
    { zoneOf: () => Promise.resolve('Europe/Stockholm') } as never,
    { PROGRAM_TIMEZONE: 'UTC' } as HubConfig,
    { publish: (_name: string, event: unknown) => Promise.resolve(void published.push(event)) } as never,
  );
  const entry = (kind: string, amount: number): LedgerRecordedEvent => ({
    userId,
    organizationId,
    occurredAt: new Date('2026-11-22T10:00:00Z'),
    wallet: { balance: 0, lifetime: 0, qualifying: 0 },
    entry: { id: 'x', amount, kind: kind as never, reason: 'r', source: { type: 't', id: null }, createdAt: '' },
    plan: {} as never,
    redo: false,
    defer: () => undefined,
  });

  beforeEach(() => {
    store.added = [];
    published.length = 0;
  });

  it.each([
    ['redeem', -300],
    ['refund', 300],
    ['expire', -50],
  ])('%s never moves a board', async (kind, amount) => {
    await service.onLedgerRecorded(entry(kind, amount));
    expect(store.added).toEqual([]);
    expect(published).toEqual([]);
  });

  it('earned points and adjustments (either sign) do', async () => {
    await service.onLedgerRecorded(entry('earn', 40));
    await service.onLedgerRecorded(entry('adjust', -10));
    expect(store.added.filter((c) => c.board === `individual:${organizationId}` && c.period === 'all')).toEqual([
      { board: `individual:${organizationId}`, period: 'all', subjectId: userId, points: 40 },
      { board: `individual:${organizationId}`, period: 'all', subjectId: userId, points: -10 },
    ]);
  });
});

describe('boardIncrements', () => {
  it('moves three boards in three periods, each period in its own zone', () => {
    const changes = boardIncrements({
      userId: 'u',
      organizationId: 'o',
      teamId: 't',
      occurredAt: new Date('2026-11-22T23:30:00Z'), // Monday 00:30 in Stockholm, still Sunday in UTC
      points: 5,
      zone: 'Europe/Stockholm',
      programZone: 'UTC',
    });
    expect(changes).toHaveLength(9);
    expect(changes.find((c) => c.board === 'individual:o' && c.period.startsWith('week'))?.period).toBe(
      'week:2026-11-23',
    );
    expect(changes.find((c) => c.board === 'organization' && c.period.startsWith('week'))?.period).toBe(
      'week:2026-11-16',
    );
  });
});
