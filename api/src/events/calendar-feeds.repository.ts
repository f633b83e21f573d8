import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { AtomicWrites } from '../database/atomic-writes';
import { CalendarFeed } from './schemas/calendar-feed.schema';

/** The only place that touches calendar feed secrets (one document per member, `_id` = the member). */
@Injectable()
export class CalendarFeedsRepository {
  constructor(
    @InjectModel(CalendarFeed.name) private readonly feeds: Model<CalendarFeed>,
    private readonly atomic: AtomicWrites,
  ) {}

  find(userId: string): Promise<CalendarFeed | null> {
    return this.feeds.findById(userId).lean<CalendarFeed>().exec();
  }

  /** The member's feed, created with `secret` when they have none (two first requests agree on one). */
  async ensure(userId: string, secret: string): Promise<CalendarFeed> {
    const result = await this.atomic.updateOne(
      this.feeds,
      { _id: userId },
      { $setOnInsert: { secret } },
      { upsert: true, returnDocument: 'after' },
    );
    return result.doc ?? (await this.find(userId))!;
  }

  /** Replaces the secret: the old feed URL stops working at once. */
  async rotate(userId: string, secret: string): Promise<CalendarFeed> {
    const result = await this.atomic.updateOne(
      this.feeds,
      { _id: userId },
      { $set: { secret } },
      { upsert: true, returnDocument: 'after' },
    );
    return result.doc!;
  }
}
