import type { BulkWriteOptions, Document } from 'mongodb';
import { isDuplicateKey } from '../common/database-errors';

/** The most items one command carries (the rest wait for the next). */
const MAX_GROUP = 200;

/** The one driver call it needs: any collection's, typed or not (a mongoose model's `collection`). */
interface InsertTarget {
  insertMany(documents: readonly Document[], options: BulkWriteOptions): Promise<unknown>;
}

interface Waiting<I, O> {
  item: I;
  settle: (outcome: O | Error) => void;
}

/** What the driver reports per document when some of an unordered insert were refused. */
interface WriteErrorLike {
  index: number;
  code?: number;
  errmsg?: string;
  message?: string;
}

/**
 * Group commit: while one command is on its way, the items asked for meanwhile wait, then go
 * together as the next command, and each caller learns its own item's outcome (an `Error` in the
 * outcomes rejects only that caller). With no load an item goes at once, alone.
 *
 * Why: the embedded database (FerretDB on SQLite) commits one transaction at a time, and each
 * commit (WAL frames, fsync) costs about as much as the write itself; FerretDB writes one
 * command's documents in one transaction. On MongoDB a group is one round trip instead of many.
 */
export class CommandGroups<I, O> {
  private readonly waiting: Array<Waiting<I, O>> = [];
  private sending = false;

  constructor(private readonly sendGroup: (items: I[]) => Promise<Array<O | Error>>) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ item, settle: (outcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome)) });
      if (!this.sending) void this.send();
    });
  }

  private async send(): Promise<void> {
    this.sending = true;
    try {
      while (this.waiting.length) {
        const group = this.waiting.splice(0, MAX_GROUP);
        let outcomes: Array<O | Error>;
        try {
          outcomes = await this.sendGroup(group.map((waiting) => waiting.item));
        } catch (error) {
          // The command failed as a whole (the server is gone, say): whether any item landed is
          // unknown, so every caller gets the error, as each would have alone.
          outcomes = group.map(() => error as Error);
        }
        group.forEach((waiting, index) => waiting.settle(outcomes[index]));
      }
    } finally {
      this.sending = false;
    }
  }
}

/** One hot collection's inserts in groups (unordered): a duplicate key refuses only its document. */
export class GroupedInserts<T extends Document> {
  private readonly groups = new CommandGroups<T, boolean>((documents) => this.insertGroup(documents));

  constructor(private readonly collection: InsertTarget) {}

  /** Inserts `document`: true, or false when a unique index says it exists already. */
  insert(document: T): Promise<boolean> {
    return this.groups.submit(document);
  }

  /** Per document true, false (duplicate key) or its own error. */
  private async insertGroup(documents: T[]): Promise<Array<boolean | Error>> {
    try {
      await this.collection.insertMany(documents, { ordered: false });
      return documents.map(() => true);
    } catch (error) {
      const refused = writeErrorsOf(error);
      if (!refused) throw error;
      const outcomes: Array<boolean | Error> = documents.map(() => true);
      for (const writeError of refused) {
        outcomes[writeError.index] = isDuplicateKey(writeError)
          ? false
          : Object.assign(new Error(writeError.errmsg ?? writeError.message ?? 'Insert refused'), {
              code: writeError.code,
            });
      }
      return outcomes;
    }
  }
}

function writeErrorsOf(error: unknown): WriteErrorLike[] | null {
  const writeErrors = (error as { writeErrors?: unknown } | null)?.writeErrors;
  if (!writeErrors) return null;
  const list = (Array.isArray(writeErrors) ? writeErrors : [writeErrors]) as WriteErrorLike[];
  return list.every((item) => typeof item.index === 'number') ? list : null;
}
