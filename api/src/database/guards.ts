import { trusted } from 'mongoose';

/**
 * "Applied once" guards kept inside the document an increment changes.
 *
 * A ledger entry's effects (a wallet's `$inc`, a cap counter, a challenge's progress) must happen
 * exactly once even when a process or the database dies between the entry and its effects and
 * the work is done again later. Two documents can never be changed atomically together here
 * (no transactions on the embedded database), so each increment carries a token naming the fact
 * ("entry E on this counter") into the same document, in the same update: the update matches
 * only while the token is absent. Doing it again then changes nothing.
 *
 * A guard is only needed while its posting may still be replayed (a retry, the sweep): minutes.
 * Tokens start with the ledger entry's ObjectId, so they are grouped in 10-minute slots of the
 * entry's time (`applied.s2950000.<token>`); a guarded update drops the slots older than
 * GUARD_RETENTION_MS (exactly those present when the document was just read, else a range of
 * recent ones), and `ClosedGuards` lets a repository drop the tokens of postings that finished a
 * minute ago. A posting finished later than the retention is settled from the ledger instead
 * (see `outlivedGuards`).
 */
const SLOT_SECONDS = 600;
export const GUARD_RETENTION_MS = 60 * 60_000;
const RETENTION_SLOTS = GUARD_RETENTION_MS / 1000 / SLOT_SECONDS;
/** Without a read of the document, this many slots beyond the retention are dropped blindly. */
const BLIND_EVICTION_SLOTS = 18;

type GuardedDocument = { applied?: Record<string, Record<string, unknown>> } | null;

const slotOfSeconds = (seconds: number) => Math.floor(seconds / SLOT_SECONDS);
const tokenSeconds = (token: string) => parseInt(token.slice(0, 8), 16);
const slotKey = (slot: number) => `s${slot}`;

/** A guard token for `entryId` (24 hex characters) and optional parts (e.g. a counter's role). */
export function guardToken(entryId: string, ...parts: string[]): string {
  return [entryId, ...parts].join('_').replace(/[.$]/g, '~');
}

/** Where the token lives in the document. */
export function guardPath(token: string): string {
  return `applied.${slotKey(slotOfSeconds(tokenSeconds(token)))}.${token}`;
}

/** Filter part: the token has not been applied to this document yet. */
export function notYetApplied(token: string): Record<string, unknown> {
  return { [guardPath(token)]: trusted({ $exists: false }) };
}

/** Filter part: the token has been applied (to undo it). */
export function alreadyApplied(token: string): Record<string, unknown> {
  return { [guardPath(token)]: trusted({ $exists: true }) };
}

/**
 * Update parts: `$set` the token (its value may record what was applied) and `$unset` the slots
 * past the retention — exactly those in `current` when the document was just read.
 */
export function markApplied(
  token: string,
  value: number | boolean = true,
  current?: GuardedDocument,
  now = Date.now(),
): { set: Record<string, unknown>; unset: Record<string, ''> } {
  const own = slotKey(slotOfSeconds(tokenSeconds(token)));
  const oldest = slotOfSeconds(now / 1000) - RETENTION_SLOTS;
  const stale = current
    ? Object.keys(current.applied ?? {}).filter((key) => Number(key.slice(1)) < oldest)
    : Array.from({ length: BLIND_EVICTION_SLOTS }, (_, back) => slotKey(oldest - 1 - back));
  const unset: Record<string, ''> = {};
  for (const key of stale) if (key !== own) unset[`applied.${key}`] = '';
  return { set: { [guardPath(token)]: value }, unset };
}

/** `$inc` a counter field by `by` under `token`'s guard (recording `value`), with a blind slot drop. */
export function guardedIncrement(token: string, value: number | boolean, by: number, field = 'value') {
  const guard = markApplied(token, value);
  return { $inc: { [field]: by }, $set: guard.set, $unset: guard.unset };
}

/**
 * `$unset` parts for the slots of `document` (as written or read back) older than a blind
 * `markApplied` drops: a document untouched for hours keeps them otherwise.
 */
export function slotsBeyondBlindEviction(document: GuardedDocument, now = Date.now()): Record<string, ''> {
  const oldestBlind = slotOfSeconds(now / 1000) - RETENTION_SLOTS - BLIND_EVICTION_SLOTS;
  const keys = Object.keys(document?.applied ?? {}).filter((key) => Number(key.slice(1)) < oldestBlind);
  return Object.fromEntries(keys.map((key) => [`applied.${key}`, ''] as const));
}

/**
 * An `$unset` without the paths inside a slot it drops whole (the servers refuse an update that
 * names both `applied.s1` and `applied.s1.token`).
 */
export function withoutCoveredPaths(unset: Record<string, ''>): Record<string, ''> {
  const slots = new Set(Object.keys(unset).filter((path) => path.split('.').length === 2));
  return Object.fromEntries(
    Object.entries(unset).filter(
      ([path]) => path.split('.').length === 2 || !slots.has(path.split('.').slice(0, 2).join('.')),
    ),
  );
}

/** The value recorded for a token in a document read back, or undefined when it is not there. */
export function appliedValue(document: GuardedDocument, token: string): unknown {
  return document?.applied?.[slotKey(slotOfSeconds(tokenSeconds(token)))]?.[token];
}

/** Whether a token may have outlived its guard (its absence then proves nothing). */
export function outlivedGuards(token: string, now = Date.now()): boolean {
  return now / 1000 - tokenSeconds(token) > (GUARD_RETENTION_MS - SLOT_SECONDS * 1000) / 1000;
}

/** A replay reads its plan before it applies; a guard goes only this long after its posting closed. */
const CLOSED_GRACE_MS = 60_000;

/**
 * Guards of postings that finished, per document, so the document's next guarded update by this
 * process can drop them (`$unset`) once CLOSED_GRACE_MS has passed: a busy wallet then carries a
 * minute of tokens, not an hour. Bounded; what it forgets the retention drops.
 */
export class ClosedGuards {
  private readonly closed = new Map<string, Array<{ path: string; at: number }>>();

  constructor(private readonly maxDocuments = 50_000) {}

  /**
   * `replayable` false: nothing can apply or undo this token's update any more (its caller says
   * why), so the guard goes with the document's next guarded update, without the grace.
   */
  add(documentId: string, token: string, at = Date.now(), replayable = true): void {
    const list = this.closed.get(documentId) ?? [];
    list.push({ path: guardPath(token), at: replayable ? at : at - CLOSED_GRACE_MS });
    this.closed.delete(documentId);
    if (this.closed.size >= this.maxDocuments) this.closed.delete(this.closed.keys().next().value as string);
    this.closed.set(documentId, list);
  }

  /** The paths now safe to drop from this document (and forgets them). */
  take(documentId: string, now = Date.now()): Record<string, ''> {
    const list = this.closed.get(documentId);
    if (!list) return {};
    const due = list.filter((item) => now - item.at >= CLOSED_GRACE_MS);
    const rest = list.filter((item) => now - item.at < CLOSED_GRACE_MS);
    if (rest.length) this.closed.set(documentId, rest);
    else this.closed.delete(documentId);
    return Object.fromEntries(due.map((item) => [item.path, '']));
  }
}
