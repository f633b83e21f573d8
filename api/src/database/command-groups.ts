import type { Db, Document } from 'mongodb';

/** The most items one command carries (the rest wait for the next). */
const MAX_GROUP = 200;
const DUPLICATE_KEY = 11000;

/** Where the documents go: a mongoose model has both (its connection's driver `Db`, its collection). */
interface InsertTarget {
  db: { db?: Db };
  collection: { collectionName: string };
}

interface Waiting<I, O> {
  item: I;
  settle: (outcome: O | Error) => void;
}

/** The server's answer to an `insert` command: how many went in, and why each other one did not. */
interface InsertReply {
  n?: number;
  writeErrors?: Array<{ index: number; code?: number; errmsg?: string }>;
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

  constructor(private readonly target: InsertTarget) {}

  /** Inserts `document`: true, or false when a unique index says it exists already. */
  insert(document: T): Promise<boolean> {
    return this.groups.submit(document);
  }

  /**
   * Per document true, false (duplicate key) or its own error. The `insert` command goes as it is
   * (not through the driver's bulk API, which wraps a lost connection into a bulk error with no
   * per-document errors): a lost connection, or a command refused whole, reaches every caller as
   * the error it is, so each treats it as it would its own single insert (an outage stays an outage).
   */
  private async insertGroup(documents: T[]): Promise<Array<boolean | Error>> {
    const db = this.target.db.db;
    if (!db) throw new Error('GroupedInserts: the database connection is not open');
    const reply = (await db.command({
      insert: this.target.collection.collectionName,
      documents,
      ordered: false,
    })) as InsertReply;
    const outcomes: Array<boolean | Error> = documents.map(() => true);
    for (const refused of reply.writeErrors ?? []) {
      outcomes[refused.index] =
        refused.code === DUPLICATE_KEY
          ? false
          : Object.assign(new Error(refused.errmsg ?? 'Insert refused'), { code: refused.code });
    }
    return outcomes;
  }
}
