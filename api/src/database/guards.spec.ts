import { Types } from 'mongoose';
import {
  appliedValue,
  ClosedGuards,
  GUARD_RETENTION_MS,
  guardPath,
  guardToken,
  markApplied,
  outlivedGuards,
  slotsBeyondBlindEviction,
  withoutCoveredPaths,
} from './guards';

const tokenAt = (ms: number) => Types.ObjectId.createFromTime(Math.floor(ms / 1000)).toHexString();

describe('applied-once guards', () => {
  it('keep a token under its 10-minute slot, with dots and dollars made safe', () => {
    const entry = tokenAt(Date.UTC(2026, 10, 30, 12, 5));
    expect(guardPath(entry)).toBe(`applied.s${Math.floor(Date.UTC(2026, 10, 30, 12, 0) / 600_000)}.${entry}`);
    expect(guardToken(entry, 'challenge', 'a.b$c')).toBe(`${entry}_challenge_a~b~c`);
  });

  it('drop exactly the slots past the retention that the document read holds, never the token own', () => {
    const now = Date.UTC(2026, 10, 30, 12, 0);
    const old = tokenAt(now - GUARD_RETENTION_MS - 20 * 60_000);
    const recent = tokenAt(now - 5 * 60_000);
    const document = {
      applied: {
        [guardPath(old).split('.')[1]]: { [old]: true },
        [guardPath(recent).split('.')[1]]: { [recent]: true },
      },
    };
    const { set, unset } = markApplied(tokenAt(now), true, document, now);
    expect(Object.keys(unset)).toEqual([`applied.${guardPath(old).split('.')[1]}`]);
    expect(set).toEqual({ [guardPath(tokenAt(now))]: true });
    expect(appliedValue(document, recent)).toBe(true);
    expect(appliedValue(document, tokenAt(now))).toBeUndefined();
  });

  it('without a read, drop a range of slots past the retention', () => {
    const now = Date.now();
    const { unset } = markApplied(tokenAt(now), 3, undefined, now);
    expect(Object.keys(unset).length).toBeGreaterThan(10);
    expect(Object.keys(unset)).not.toContain(`applied.${guardPath(tokenAt(now)).split('.')[1]}`);
  });

  it('leave to a second update only the slots older than a blind drop reaches', () => {
    const now = Date.now();
    const { unset } = markApplied(tokenAt(now), true, undefined, now);
    const slot = (ms: number) => guardPath(tokenAt(ms)).split('.')[1];
    const reached = now - GUARD_RETENTION_MS - 60 * 60_000;
    const beyond = now - GUARD_RETENTION_MS - 5 * 60 * 60_000;
    expect(unset).toHaveProperty([`applied.${slot(reached)}`]);
    const document = { applied: { [slot(reached)]: {}, [slot(beyond)]: {}, [slot(now)]: {} } };
    expect(slotsBeyondBlindEviction(document, now)).toEqual({ [`applied.${slot(beyond)}`]: '' });
    expect(slotsBeyondBlindEviction(null, now)).toEqual({});
  });

  it('never name a token inside a slot that goes whole', () => {
    expect(withoutCoveredPaths({ 'applied.s1': '', 'applied.s1.t1': '', 'applied.s2.t2': '' })).toEqual({
      'applied.s1': '',
      'applied.s2.t2': '',
    });
  });

  it('know when a replay comes too late for them', () => {
    expect(outlivedGuards(tokenAt(Date.now() - 5 * 60_000))).toBe(false);
    expect(outlivedGuards(tokenAt(Date.now() - GUARD_RETENTION_MS))).toBe(true);
  });

  it('of finished postings go a minute after they closed', () => {
    const closed = new ClosedGuards();
    const entry = tokenAt(Date.now());
    closed.add('wallet-1', entry, 1_000);
    expect(closed.take('wallet-1', 30_000)).toEqual({});
    expect(closed.take('wallet-1', 61_000)).toEqual({ [guardPath(entry)]: '' });
    expect(closed.take('wallet-1', 120_000)).toEqual({});
  });

  it('that nothing can replay go with the next write, without the grace', () => {
    const closed = new ClosedGuards();
    const [replayable, finished] = [tokenAt(Date.now()), tokenAt(Date.now() + 1000)];
    closed.add('wallet-1', replayable, 1_000);
    closed.add('wallet-1', finished, 1_000, false);
    expect(closed.take('wallet-1', 1_001)).toEqual({ [guardPath(finished)]: '' });
    expect(closed.take('wallet-1', 61_000)).toEqual({ [guardPath(replayable)]: '' });
  });
});
