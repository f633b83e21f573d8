export interface BucketIncrement {
  board: string;
  period: string;
  subjectId: string;
  points: number;
}

export interface Standing {
  subjectId: string;
  points: number;
}

/** Where board totals live: Redis sorted sets (the default), or MongoDB buckets (MongoDB-only deployments). */
export interface LeaderboardStore {
  /**
   * Adds one ledger entry's increments, exactly once per `token` (the entry's id) however often it
   * is called; resolves once they are stored and rejects when they could not be (the entry's
   * posting then stays unfinished and is retried). `redo`: a retry of an entry that may have been
   * applied before.
   */
  apply(token: string, changes: BucketIncrement[], redo: boolean): Promise<void>;
  /** Whether `apply` waits to batch writes (the award then answers before they land; reads wait). */
  readonly batchesWrites: boolean;
  /** Highest first; equal points by subject id descending (Redis' ZREVRANGE order), so both stores agree. */
  top(board: string, period: string, limit: number): Promise<Standing[]>;
  /** Points and rank (1 + subjects with more points) of one subject; 0 points when absent. */
  standing(board: string, period: string, subjectId: string): Promise<{ rank: number; points: number }>;
  /** Replaces every board with these totals (the rebuild). */
  replaceAll(buckets: BucketIncrement[]): Promise<void>;
}

export const LEADERBOARD_STORE = Symbol('LEADERBOARD_STORE');

/** Ranks for a list sorted by points: equal points share a rank (1, 2, 2, 4). */
export function rankItems<T extends { points: number }>(items: T[]): Array<T & { rank: number }> {
  let rank = 0;
  return items.map((item, index) => {
    if (index === 0 || item.points !== items[index - 1].points) rank = index + 1;
    return { ...item, rank };
  });
}
