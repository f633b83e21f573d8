/** A write refused by a unique index (the same fact recorded twice). */
export function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}

/** Runs `insert`; false instead of an error when a unique index says the document exists. */
export async function insertOnce(insert: () => Promise<unknown>): Promise<boolean> {
  try {
    await insert();
    return true;
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
}

// The driver's and ioredis' names for "the server is not there right now": no server to select,
// a connection refused or reset, a pool cleared after a network error, a command that timed out
// waiting for a reconnect. These answer 503 (try again shortly), never 500.
const OUTAGE_NAMES = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoPoolClearedError',
  'MongoTopologyClosedError',
  'MongoExpiredSessionError',
  'MaxRetriesPerRequestError',
]);
// A connection that dies mid-command can also surface as a plain Node socket error.
const OUTAGE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTCONN', 'EHOSTUNREACH']);
const OUTAGE_MESSAGES = [
  /connection is closed/i,
  /command timed out/i,
  /socket has been ended/i,
  /ECONNREFUSED/,
  /ECONNRESET/,
  /EPIPE/,
];

/** Whether an error means the database (or Redis) is unreachable, as opposed to a bug or bad input. */
export function isOutage(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, message, cause, code } = error as { name?: string; message?: string; cause?: unknown; code?: unknown };
  if (name && OUTAGE_NAMES.has(name)) return true;
  if (typeof code === 'string' && OUTAGE_CODES.has(code)) return true;
  if ((error as { errorLabels?: unknown }).errorLabels && hasLabel(error, 'ResetPool')) return true;
  if (message && OUTAGE_MESSAGES.some((pattern) => pattern.test(message))) return true;
  return cause !== undefined && cause !== error && isOutage(cause);
}

function hasLabel(error: object, label: string): boolean {
  const labels = (error as { errorLabels?: unknown }).errorLabels;
  return labels instanceof Set ? labels.has(label) : Array.isArray(labels) && labels.includes(label);
}
