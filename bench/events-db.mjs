// The database side of bench/events.mjs: the raw driver's floor for an RSVP burst, and what the
// database holds for an event afterwards (to check the hub's outcome).
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { percentiles, round } from './lib.mjs';

const require = createRequire(import.meta.url);
const { ObjectId } = require('mongodb');

/** Rate over the burst's wall time and nearest-rank percentiles, the same way for both sides. */
export function summarize(latencies, wallMs) {
  const { count, p100: max, ...ranks } = percentiles(latencies, [50, 95, 99, 100]);
  return { requests: count, wallMs: round(wallMs), perSec: round(count / (wallMs / 1000)), ...ranks, max };
}

/**
 * The raw driver doing the hub's conditional updates for one RSVP, with the same documents: a seat
 * while one is free and nobody waits (event `$inc` with a condition), else a waitlist ticket
 * (event `$inc`, returning the ticket), then the member's RSVP document (upsert while not answered).
 * Nothing else: no auth, no audience or tier check, no repeat check, no promotion pass, no lease —
 * so on FerretDB, which does not make these updates atomic, it may well seat more than the capacity.
 * `inFlight` bounds how many members' updates run at once (default: all of them, as the hub gets
 * them); with 1 they run one after another, which on FerretDB is the uncontended floor and seats
 * exactly the capacity.
 */
export async function rawBurst(db, eventId, members, inFlight = members.length) {
  const events = db.collection('events');
  const rsvps = db.collection('event_rsvps');
  const latencies = [];
  const answers = { going: 0, waitlisted: 0, errors: 0, firstError: null };
  const rsvp = async (member) => {
    const answeredAt = new Date();
    const owner = { eventId, userId: new ObjectId(member.id) };
    const filter = { _id: `${eventId.toHexString()}:${member.id}`, status: { $nin: ['going', 'waitlisted'] } };
    const seat = await events.findOneAndUpdate(
      { _id: eventId, status: 'scheduled', seatsFree: { $gt: 0 }, waitlisted: 0 },
      { $inc: { seatsFree: -1, going: 1 } },
    );
    if (seat) {
      await rsvps.updateOne(
        filter,
        { $set: { status: 'going', seq: null, answeredAt }, $setOnInsert: owner },
        { upsert: true },
      );
      return 'going';
    }
    const ticket = await events.findOneAndUpdate(
      { _id: eventId, status: 'scheduled' },
      { $inc: { waitlistSeq: 1, waitlisted: 1 } },
      { returnDocument: 'after' },
    );
    await rsvps.updateOne(
      filter,
      { $set: { status: 'waitlisted', seq: ticket.waitlistSeq, answeredAt }, $setOnInsert: owner },
      { upsert: true },
    );
    return 'waitlisted';
  };
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < members.length) {
      const member = members[next++];
      const start = performance.now();
      try {
        answers[await rsvp(member)]++;
        latencies.push(performance.now() - start);
      } catch (error) {
        answers.errors++;
        answers.firstError ??= error.message;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, members.length) }, worker));
  return { ...summarize(latencies, performance.now() - t0), answers };
}

export async function rawEvent(db, seats) {
  const _id = new ObjectId();
  await db
    .collection('events')
    .insertOne({ _id, status: 'scheduled', seatsFree: seats, going: 0, waitlisted: 0, waitlistSeq: 0 });
  return _id;
}

/** What the database holds for an event: who is going, the waitlist in ticket order, the counters. */
export async function stored(db, eventId) {
  const rows = await db
    .collection('event_rsvps')
    .find({ eventId: new ObjectId(eventId) })
    .toArray();
  const event = await db.collection('events').findOne({ _id: new ObjectId(eventId) });
  return {
    going: rows.filter((r) => r.status === 'going'),
    waiting: rows.filter((r) => r.status === 'waitlisted').sort((a, b) => a.seq - b.seq),
    counters: { going: event.going, waitlisted: event.waitlisted, seatsFree: event.seatsFree },
  };
}
